// Coupon templates made over the admin API, as an operator makes them in the console.
import type { CouponTemplate, CreateCouponTemplateBody } from '@allycard/contracts';
import type { BenchContext } from './types.js';

/** An alliance-issued ¥5 no-threshold template with `stock`; `extra` overrides the rest. Its id. */
export async function makeTemplate(
  ctx: BenchContext,
  title: string,
  stock: number,
  extra: Partial<CreateCouponTemplateBody> = {},
): Promise<string> {
  const body: CreateCouponTemplateBody = {
    title,
    kind: 'no_threshold',
    valueFen: 500,
    thresholdFen: 0,
    stock,
    perMemberLimit: 1,
    validDays: 7,
    usableAt: 'alliance',
    audience: 'all',
    firstOrderOnly: false,
    forwardable: true,
    joinGift: false,
    issuer: { type: 'alliance' },
    ...extra,
  };
  const res = await ctx.api<CouponTemplate>('POST', '/admin/coupon-templates', {
    token: ctx.adminToken,
    body,
  });
  if (res.status !== 201) throw new Error(`create template: ${res.status} ${JSON.stringify(res.body)}`);
  return String(res.body.id);
}
