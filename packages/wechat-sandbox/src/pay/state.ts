import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { PendingRedelivery, Refund, Transaction } from './ledger';

const STATE_FILE_FORMAT = 'allycard-wechat-pay-sandbox-state';
const STATE_FILE_VERSION = 1;

/** What the state file holds: everything WeChat Pay would remember about the sandbox merchant. */
export interface PayState {
  transactions: Transaction[];
  refunds: Refund[];
  redeliveries: PendingRedelivery[];
}

/** The state file beside a key file: wechat-sandbox-keys.json → wechat-sandbox-keys.pay-state.json. */
export function stateFileBeside(keyFile: string): string {
  return join(dirname(keyFile), `${basename(keyFile, '.json')}.pay-state.json`);
}

/** The state in `file`, or null when there is none yet. A file that exists but is unusable is an error. */
export function readPayState(file: string): PayState | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<PayState> & { format?: unknown; version?: unknown };
    if (parsed.format !== STATE_FILE_FORMAT || parsed.version !== STATE_FILE_VERSION) {
      throw new Error(`not a ${STATE_FILE_FORMAT} v${STATE_FILE_VERSION} file`);
    }
    if (
      !Array.isArray(parsed.transactions) ||
      !Array.isArray(parsed.refunds) ||
      !Array.isArray(parsed.redeliveries)
    ) {
      throw new Error('transactions, refunds or redeliveries missing');
    }
    return { transactions: parsed.transactions, refunds: parsed.refunds, redeliveries: parsed.redeliveries };
  } catch (err) {
    throw new Error(
      `WeChat Pay sandbox state file ${file} is unusable (${(err as Error).message}); delete it to start empty`,
    );
  }
}

/** Replaces `file` atomically (temporary file + rename): a crash leaves the old state or the new one. */
export function writePayState(file: string, state: PayState): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(
    temporary,
    JSON.stringify({ format: STATE_FILE_FORMAT, version: STATE_FILE_VERSION, ...state }),
    { mode: 0o600 },
  );
  renameSync(temporary, file);
}
