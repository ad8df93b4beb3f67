import { ApiError, ErrorEnvelope } from './errors';
import type {
  AdminLoginResponse,
  CreateQrCodeRequest,
  JoinRequest,
  JoinResponse,
  LoginResponse,
  MemberCode,
  MemberLookupResponse,
  MemberProfile,
  Member,
  Merchant,
  QrCode,
  SceneInfo,
  SessionTokens,
  Staff,
  StaffLoginResponse,
  StaffRole,
  UpdateMeRequest,
} from './types';
import type { CounterRecord, CounterRecordList, StaffMe } from './member';

/** Whatever performs one HTTP request: fetch in browsers and Node, Taro.request in the mini-program. */
export type Transport = (req: {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  /** JSON text, or FormData for a multipart upload (fetch sets its content-type) */
  body?: string | FormData;
}) => Promise<{ status: number; body: unknown }>;

export interface ClientOptions {
  /** e.g. http://localhost:3000/api/v1 */
  baseUrl: string;
  transport?: Transport;
  getToken?: () => string | null | undefined;
}

export const fetchTransport: Transport = async ({ method, url, headers, body }) => {
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed };
};

export function createClient(options: ClientOptions) {
  const transport = options.transport ?? fetchTransport;

  async function call<T>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return send<T>(method, path, headers, body === undefined ? undefined : JSON.stringify(body));
  }

  /** A multipart POST (a file upload), with the same token and errors as `call`. */
  function upload<T>(path: string, form: FormData): Promise<T> {
    return send<T>('POST', path, { accept: 'application/json' }, form);
  }

  async function send<T>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    headers: Record<string, string>,
    body: string | FormData | undefined,
  ): Promise<T> {
    const token = options.getToken?.();
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await transport({ method, url: options.baseUrl + path, headers, body });
    if (res.status >= 200 && res.status < 300) return res.body as T;
    const envelope = res.body as Partial<ErrorEnvelope> | null;
    const error = envelope && typeof envelope === 'object' ? envelope.error : undefined;
    throw new ApiError(
      res.status,
      error?.code ?? 'HTTP_' + res.status,
      error?.message ?? `请求失败（${res.status}）`,
      error?.details,
    );
  }

  return {
    call,
    upload,
    // member
    join: (body: JoinRequest) => call<JoinResponse>('POST', '/join', body),
    login: (code: string) => call<LoginResponse>('POST', '/auth/login', { code }),
    scene: (scene: string) => call<SceneInfo>('GET', `/scenes/${encodeURIComponent(scene)}`),
    me: () => call<MemberProfile>('GET', '/me'),
    updateMe: (body: UpdateMeRequest) => call<Member>('PATCH', '/me', body),
    bindPhone: (code: string) => call<Member>('POST', '/me/phone', { code }),
    memberCode: () => call<MemberCode>('GET', '/me/member-code'),
    merchants: () => call<Merchant[]>('GET', '/merchants'),
    // staff
    staffLogin: (username: string, password: string) =>
      call<StaffLoginResponse>('POST', '/staff/login', { username, password }),
    staffRefresh: (refreshToken: string) => call<SessionTokens>('POST', '/staff/refresh', { refreshToken }),
    lookupMember: (memberCode: string) =>
      call<MemberLookupResponse>('POST', '/staff/members/lookup', { memberCode }),
    staffMe: () => call<StaffMe>('GET', '/staff/me'),
    todayRedemptions: () => call<CounterRecordList>('GET', '/staff/redemptions?day=today'),
    voidRedemption: (id: string, reason: string) =>
      call<CounterRecord>('POST', `/staff/redemptions/${encodeURIComponent(id)}/void`, { reason }),
    // alliance admin
    adminLogin: (username: string, password: string) =>
      call<AdminLoginResponse>('POST', '/admin/login', { username, password }),
    adminRefresh: (refreshToken: string) => call<SessionTokens>('POST', '/admin/refresh', { refreshToken }),
    createMerchant: (body: { name: string; description?: string }) =>
      call<Merchant>('POST', '/admin/merchants', body),
    listMerchantsAdmin: () => call<Merchant[]>('GET', '/admin/merchants'),
    createStaff: (merchantId: string, body: { username: string; password: string; role: StaffRole }) =>
      call<Staff>('POST', `/admin/merchants/${encodeURIComponent(merchantId)}/staff`, body),
    createQrCode: (body: CreateQrCodeRequest) => call<QrCode>('POST', '/admin/qrcodes', body),
  };
}

export type AllycardClient = ReturnType<typeof createClient>;
