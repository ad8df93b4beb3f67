import { Spin } from 'antd';
import { lazy, Suspense, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import type { ConsoleRole } from './api/session';
import { useAuth } from './auth';
import { AppLayout } from './layout/AppLayout';
import { NAV, navFor } from './nav';

// One chunk per page: the login screen and the layout load first, each page when opened.
const LoginPage = lazy(() => import('./pages/login/LoginPage'));
const DashboardPage = lazy(() => import('./pages/dashboard/DashboardPage'));
const MerchantsPage = lazy(() => import('./pages/merchants/MerchantsPage'));
const QrCodesPage = lazy(() => import('./pages/qrcodes/QrCodesPage'));
const MembersPage = lazy(() => import('./pages/members/MembersPage'));
const CouponsPage = lazy(() => import('./pages/coupons/CouponsPage'));
const SegmentsPage = lazy(() => import('./pages/campaigns/SegmentsPage'));
const CampaignsPage = lazy(() => import('./pages/campaigns/CampaignsPage'));
const ReferralPage = lazy(() => import('./pages/referral/ReferralPage'));
const BenefitsPage = lazy(() => import('./pages/benefits/BenefitsPage'));
const MessageTemplatesPage = lazy(() => import('./pages/messages/MessageTemplatesPage'));
const PointsPage = lazy(() => import('./pages/points/PointsPage'));
const MallPage = lazy(() => import('./pages/mall/MallPage'));
const SettlementPage = lazy(() => import('./pages/settlement/SettlementPage'));
const StaffPage = lazy(() => import('./pages/merchants/StaffPage'));
const StaffLimitsPage = lazy(() => import('./pages/staff-limits/StaffLimitsPage'));
const AnomaliesPage = lazy(() => import('./pages/anomalies/AnomaliesPage'));
const AuditLogPage = lazy(() => import('./pages/audit-log/AuditLogPage'));
const HealthPage = lazy(() => import('./pages/health/HealthPage'));
const PrivacyPolicyPage = lazy(() => import('./pages/privacy/PrivacyPolicyPage'));

export const PageFallback = () => (
  <div className="page-fallback">
    <Spin />
  </div>
);

function RequireAuth({ children }: { children: ReactNode }) {
  const { session } = useAuth();
  const location = useLocation();
  if (!session) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  return <>{children}</>;
}

/** A page only some roles may open; others land on their first menu entry. */
function Allowed({ roles, children }: { roles: ConsoleRole[]; children: ReactNode }) {
  const { session } = useAuth();
  if (!session || !roles.includes(session.role)) return <Navigate to="/" replace />;
  return <>{children}</>;
}

function Home() {
  const { session } = useAuth();
  return <Navigate to={session ? navFor(session.role)[0].path : '/login'} replace />;
}

const PAGES: Record<string, LazyExoticComponent<ComponentType>> = {
  '/dashboard': DashboardPage,
  '/merchants': MerchantsPage,
  '/qrcodes': QrCodesPage,
  '/members': MembersPage,
  '/coupons': CouponsPage,
  '/segments': SegmentsPage,
  '/campaigns': CampaignsPage,
  '/referral': ReferralPage,
  '/benefits': BenefitsPage,
  '/points': PointsPage,
  '/mall': MallPage,
  '/settlement': SettlementPage,
  '/staff': StaffPage,
  '/staff-limits': StaffLimitsPage,
  '/anomalies': AnomaliesPage,
  '/audit-log': AuditLogPage,
  '/health': HealthPage,
  '/privacy': PrivacyPolicyPage,
  '/message-templates': MessageTemplatesPage,
};

export function AppRoutes() {
  return (
    <Suspense fallback={<PageFallback />}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route
          element={
            <RequireAuth>
              <AppLayout />
            </RequireAuth>
          }
        >
          <Route index element={<Home />} />
          {NAV.map(({ path, roles }) => {
            const Page = PAGES[path];
            return (
              <Route
                key={path}
                path={path.slice(1)}
                element={
                  <Allowed roles={roles}>
                    <Page />
                  </Allowed>
                }
              />
            );
          })}
        </Route>
        <Route path="*" element={<Home />} />
      </Routes>
    </Suspense>
  );
}
