import { createClient } from '@allycard/contracts';
import { taroTransport } from '../services/transport';
import { SANDBOX_BASE_URL } from './config.h5';

/**
 * The browser has no WeChat: the server's WeChat sandbox plays the user's WeChat and mints the codes
 * that wx.login / getPhoneNumber would give (contract.md, "Sandbox").
 */
const sandbox = createClient({ baseUrl: SANDBOX_BASE_URL, transport: taroTransport });

export function sandboxLoginCode(openid: string): Promise<{ code: string }> {
  return sandbox.call<{ code: string }>('POST', '/login-code', { openid });
}

export function sandboxPhoneCode(phone: string): Promise<{ code: string }> {
  return sandbox.call<{ code: string }>('POST', '/phone-code', { phone });
}

/** What the sandbox says after the payer confirmed: whether its signed notification reached the server. */
export interface SandboxPayConfirmation {
  delivered: boolean;
  httpStatus: number | null;
}

/** The payer confirms in WeChat's cashier: the sandbox marks the transaction paid and notifies the server. */
export function sandboxConfirmPayment(outTradeNo: string): Promise<SandboxPayConfirmation> {
  return sandbox.call<SandboxPayConfirmation>('POST', `/pay/${encodeURIComponent(outTradeNo)}/confirm`);
}
