import type * as weapp from './scan';

/** A browser has no scanner: the verify page's text field is the way in. */
export const canScan = false;

export async function scanMemberCode(): Promise<string | null> {
  return null;
}

canScan satisfies typeof weapp.canScan;
scanMemberCode satisfies typeof weapp.scanMemberCode;
