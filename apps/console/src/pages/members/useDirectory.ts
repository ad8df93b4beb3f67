import type { Merchant, TierRule } from '@allycard/contracts';
import { useMemo } from 'react';
import { api } from '../../api/admin';
import { useLoad } from '../../lib/useLoad';
import type { Names } from './memberText';

export interface Directory {
  merchants: Merchant[];
  tiers: TierRule[];
  names: Names;
}

/** The alliance's merchants and tiers, to show names where the member API gives ids and codes. */
export function useDirectory(): Directory {
  const merchants = useLoad(() => api.merchants(), []);
  const tiers = useLoad(() => api.tiers(), []);
  return useMemo(() => {
    const merchantName = new Map((merchants.data ?? []).map((m) => [m.id, m.name]));
    const tierName = new Map((tiers.data ?? []).map((t) => [t.code, t.name]));
    return {
      merchants: merchants.data ?? [],
      tiers: tiers.data ?? [],
      names: {
        merchant: (id) => (id ? (merchantName.get(String(id)) ?? `商户 ${String(id)}`) : '—'),
        tier: (code) => (code ? (tierName.get(String(code)) ?? String(code)) : '—'),
      },
    };
  }, [merchants.data, tiers.data]);
}
