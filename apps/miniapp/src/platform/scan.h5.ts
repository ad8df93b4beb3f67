import type * as weapp from './scan';

/** A browser has no scanner: the staff pages' text fields are the way in. */
export const canScan = false;

async function scanText(): Promise<string | null> {
  return null;
}

export const scanMemberCode = scanText;
export const scanPickupCode = scanText;
export const scanMerchantScene = scanText;

canScan satisfies typeof weapp.canScan;
scanMemberCode satisfies typeof weapp.scanMemberCode;
scanPickupCode satisfies typeof weapp.scanPickupCode;
scanMerchantScene satisfies typeof weapp.scanMerchantScene;
