import type { JoinResponse } from '@allycard/contracts';
import { getLoginCode } from '../platform';
import { memberApi, memberToken } from './api';
import { saveWelcomeCoupons } from './welcome';

/**
 * Joins the alliance in one POST /join (the join page, or 领券中心's first claim before joining): with
 * the scanned scene and the version of the policy the shopper ticked. The token is kept and the coupons
 * the join issued wait for the card's welcome.
 */
export async function joinAlliance(visit: { scene?: string; policyVersion?: number }): Promise<JoinResponse> {
  const code = await getLoginCode();
  const res = await memberApi.join({
    code,
    ...(visit.scene && { scene: visit.scene }),
    ...(visit.policyVersion && { policyVersion: visit.policyVersion }),
  });
  memberToken.set(res.token);
  saveWelcomeCoupons(res.coupons);
  return res;
}
