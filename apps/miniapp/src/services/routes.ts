/** Page URLs, in one place for navigateTo / switchTab / redirectTo. */
export const ROUTES = {
  card: '/pages/card/index',
  me: '/pages/me/index',
  join: '/pages/join/index',
  staffLogin: '/staff/login/index',
  staffVerify: '/staff/verify/index',
} as const;
