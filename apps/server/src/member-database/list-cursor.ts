import { Inject, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, AppConfig, deriveKey } from '../common/config';
import { validationFailed } from '../common/errors';
import { isId } from '../common/ids';

/** Where a page ended: the sort it belongs to, that sort's key of the last row, and the row's id. */
export interface CursorPosition {
  sort: string;
  key: string | number;
  id: string;
}

/**
 * Opaque, tamper-proof list cursors: the position as base64url JSON and an HMAC over it. A cursor
 * that was altered, or belongs to another sort, is 400 VALIDATION_FAILED (never a query on it).
 */
@Injectable()
export class ListCursors {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = deriveKey(config, 'list-cursor');
  }

  encode(position: CursorPosition): string {
    const body = Buffer.from(JSON.stringify([position.sort, position.key, position.id])).toString(
      'base64url',
    );
    return `${body}.${this.mac(body)}`;
  }

  decode(cursor: string, sort: string): CursorPosition {
    const [body, mac] = cursor.split('.');
    const expected = body ? this.mac(body) : '';
    const ok =
      mac !== undefined &&
      mac.length === expected.length &&
      timingSafeEqual(Buffer.from(mac), Buffer.from(expected));
    const value: unknown = ok ? JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) : null;
    if (
      !Array.isArray(value) ||
      value[0] !== sort ||
      !['string', 'number'].includes(typeof value[1]) ||
      !isId(value[2])
    )
      throw validationFailed([{ field: 'cursor', message: 'not a cursor of this list' }]);
    return { sort, key: value[1] as string | number, id: value[2] };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

/** `?limit=` of a list: 1–100, 20 when absent. */
export function readLimit(text?: string): number {
  if (text === undefined) return 20;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw validationFailed([{ field: 'limit', message: 'must be an integer from 1 to 100' }]);
  return n;
}
