import { request } from './__mocks__/taro';

export interface SentRequest {
  method: string;
  path: string;
  body: unknown;
  headers: Record<string, string>;
}

type Reply = { status: number; body?: unknown } | Promise<{ status: number; body?: unknown }>;
type Route = (req: SentRequest) => Reply;

/**
 * Answers Taro.request from a table of `"METHOD /path"` → reply, the way the server would, and records
 * what was sent. Unknown routes answer 404 like the server's envelope.
 */
export function mockServer(routes: Record<string, Route | { status: number; body?: unknown }>) {
  const sent: SentRequest[] = [];
  request.mockImplementation(
    async (options: { url: string; method: string; data?: string; header: Record<string, string> }) => {
      const path = options.url.replace(/^https?:\/\/[^/]+/, '');
      const req: SentRequest = {
        method: options.method,
        path,
        body: options.data === undefined ? undefined : JSON.parse(options.data),
        headers: options.header,
      };
      sent.push(req);
      const route = routes[`${options.method} ${path}`];
      const reply =
        typeof route === 'function'
          ? await route(req)
          : (route ?? { status: 404, body: { error: { code: 'NOT_FOUND', message: '没有这个接口' } } });
      return { statusCode: reply.status, data: reply.body ?? null, header: {} };
    },
  );
  return sent;
}

export function apiError(status: number, code: string, message: string) {
  return { status, body: { error: { code, message } } };
}

export const member = {
  id: '7',
  cardNo: '6222021234567894',
  nickname: '小王',
  birthday: null,
  tier: { code: 'silver', name: '银卡' },
  points: 1280,
  joinedAt: '2025-11-24T08:00:00.000Z',
  phoneMasked: null,
};

export const profile = {
  ...member,
  tierProgress: {
    current: { code: 'silver', name: '银卡' },
    next: { code: 'gold', name: '金卡' },
    spendFen: 68000,
    remainingFen: 32000,
    text: '再消费 ¥320.00 升级金卡',
  },
  couponCount: 2,
  referralReward: null,
};

export const coupon = {
  id: 'c1',
  templateId: 't1',
  title: '新人无门槛券',
  kind: 'no_threshold' as const,
  valueFen: 500,
  discountPermille: null,
  thresholdFen: 0,
  status: 'available' as const,
  validFrom: '2025-11-24T00:00:00.000Z',
  validUntil: '2025-12-31T15:59:59.000Z',
  usableAt: 'alliance' as const,
  merchantIds: [],
  firstOrderOnly: true,
  forwardable: false,
  description: '无门槛减5元',
  maxDiscountFen: null,
  receivedFrom: null,
};

/** The elements of `selector` under `container`: for asserting on lists of tickets and rows. */
export function all(container: HTMLElement, selector: string): HTMLElement[] {
  return Array.from(container.querySelectorAll<HTMLElement>(selector));
}

export const offer = {
  id: 't9',
  title: '老街满减券',
  description: '满100减20',
  kind: 'amount' as const,
  valueFen: 2000,
  discountPermille: null,
  maxDiscountFen: null,
  thresholdFen: 10000,
  usableAt: 'merchant' as const,
  merchantIds: ['3'],
  validDays: 30,
  validFrom: null,
  validUntil: null,
  firstOrderOnly: false,
  forwardable: true,
  perMemberLimit: 1,
  remaining: 42,
  claimedByMe: 0,
};

export const merchants = [
  { id: '3', name: '老街咖啡', description: null },
  { id: '4', name: '面包工坊', description: null },
];

export const walletCoupon = {
  ...coupon,
  id: '21',
  templateId: 't9',
  title: '老街满减券',
  description: '满100减20',
  kind: 'amount' as const,
  valueFen: 2000,
  thresholdFen: 10000,
  firstOrderOnly: false,
  forwardable: true,
  usableAt: 'merchant' as const,
  merchantIds: ['3'],
  maxDiscountFen: null,
  receivedFrom: null,
};

export const mallItem = {
  id: '5',
  title: '手冲咖啡一杯',
  description: '任选一款手冲',
  pointsPrice: 300,
  cashFen: 0,
  remaining: 12,
  perMemberLimit: 2,
  fulfilment: 'pickup' as const,
  merchantId: '3',
  merchantName: '老街咖啡',
  redeemedByMe: 0,
  imageUrl: null as string | null,
};

export const pickupOrder = {
  id: '81',
  itemId: '5',
  title: '手冲咖啡一杯',
  status: 'awaiting_pickup' as const,
  quantity: 1,
  pointsSpent: 300,
  pickupCode: '1234567890',
  coupon: null,
  merchantId: '3',
  merchantName: '老街咖啡',
  createdAt: '2025-11-24T08:00:00.000Z',
};

export const pointsSummary = {
  balance: 1280,
  valueFen: 1280,
  expiring: [] as { points: number; expiresAt: string }[],
};

/** What a staff page itself sent, leaving out the nav's GET /staff/me (who is signed in). */
export function pageRequests(sent: SentRequest[]): SentRequest[] {
  return sent.filter((r) => !(r.method === 'GET' && r.path === '/api/v1/staff/me'));
}
