import express from 'express';
import request from 'supertest';
import { createWechatSandbox, type WechatSandbox } from './index';

export const APPID = 'wx0123456789abcdef';
export const SECRET = 'sandbox-secret-0123456789abcdef';
export const PUBLIC_URL = 'http://127.0.0.1:3000';

/** A clock tests move by hand. */
export class FakeClock {
  private ms = Date.UTC(2025, 5, 1, 8, 0, 0);
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export const MINUTE = 60 * 1000;

/** An express app with the sandbox mounted at /sandbox, as the server mounts it. */
export interface SandboxApp {
  app: express.Express;
  clock: FakeClock;
  sandbox: WechatSandbox;
}

export function sandboxApp(): SandboxApp {
  const clock = new FakeClock();
  const sandbox = createWechatSandbox({
    appid: APPID,
    secret: SECRET,
    publicUrl: PUBLIC_URL,
    now: clock.now,
  });
  const app = express();
  app.use('/sandbox', sandbox.router);
  return { app, clock, sandbox };
}

export async function fetchAccessToken(app: express.Express): Promise<string> {
  const res = await request(app)
    .get('/sandbox/cgi-bin/token')
    .query({ grant_type: 'client_credential', appid: APPID, secret: SECRET });
  return res.body.access_token as string;
}
