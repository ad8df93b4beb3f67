// The benchmarks `pnpm bench` runs, in this order; `pnpm bench <name>` runs one.
import type { Scenario } from '../lib/types.js';
import { campaignLaunch } from './campaign-launch.js';
import { flashClaim } from './flash-claim.js';
import { payments } from './payments.js';
import { reports1m } from './reports-1m.js';

export const SCENARIOS: Scenario[] = [flashClaim, payments, campaignLaunch, reports1m];
