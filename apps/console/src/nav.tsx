import {
  AlertOutlined,
  AuditOutlined,
  ClusterOutlined,
  DashboardOutlined,
  FileProtectOutlined,
  FileSearchOutlined,
  FireOutlined,
  GiftOutlined,
  IdcardOutlined,
  MessageOutlined,
  QrcodeOutlined,
  SafetyCertificateOutlined,
  ShopOutlined,
  ShoppingOutlined,
  SolutionOutlined,
  TagsOutlined,
  TeamOutlined,
  TrophyOutlined,
  UsergroupAddOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { ConsoleRole } from './api/session';

export interface NavItem {
  path: string;
  label: string;
  icon: ReactNode;
  roles: ConsoleRole[];
}

const BOTH: ConsoleRole[] = ['alliance_admin', 'merchant_admin'];
const ALLIANCE: ConsoleRole[] = ['alliance_admin'];
const MERCHANT: ConsoleRole[] = ['merchant_admin'];

/** The side menu, in order; a role sees only what the API lets it use. */
export const NAV: NavItem[] = [
  { path: '/dashboard', label: '经营看板', icon: <DashboardOutlined />, roles: BOTH },
  { path: '/merchants', label: '商户与门店', icon: <ShopOutlined />, roles: ALLIANCE },
  { path: '/qrcodes', label: '小程序码', icon: <QrcodeOutlined />, roles: ALLIANCE },
  { path: '/coupons', label: '优惠券', icon: <TagsOutlined />, roles: BOTH },
  { path: '/members', label: '会员', icon: <IdcardOutlined />, roles: BOTH },
  { path: '/segments', label: '会员分群', icon: <ClusterOutlined />, roles: BOTH },
  { path: '/campaigns', label: '营销活动', icon: <FireOutlined />, roles: BOTH },
  { path: '/referral', label: '拉新奖励', icon: <UsergroupAddOutlined />, roles: ALLIANCE },
  { path: '/benefits', label: '会员权益', icon: <GiftOutlined />, roles: ALLIANCE },
  { path: '/message-templates', label: '消息模板', icon: <MessageOutlined />, roles: ALLIANCE },
  { path: '/points', label: '积分与等级', icon: <TrophyOutlined />, roles: BOTH },
  { path: '/mall', label: '积分商城', icon: <ShoppingOutlined />, roles: ALLIANCE },
  { path: '/settlement', label: '结算', icon: <AuditOutlined />, roles: BOTH },
  // The alliance admin reaches every merchant's staff from 商户与门店.
  { path: '/staff', label: '员工账号', icon: <TeamOutlined />, roles: MERCHANT },
  { path: '/staff-limits', label: '员工限额', icon: <SolutionOutlined />, roles: BOTH },
  { path: '/anomalies', label: '异常监控', icon: <AlertOutlined />, roles: BOTH },
  { path: '/audit-log', label: '审计日志', icon: <FileSearchOutlined />, roles: ALLIANCE },
  { path: '/health', label: '健康检查', icon: <SafetyCertificateOutlined />, roles: ALLIANCE },
  { path: '/privacy', label: '隐私与协议', icon: <FileProtectOutlined />, roles: ALLIANCE },
];

export const navFor = (role: ConsoleRole) => NAV.filter((n) => n.roles.includes(role));
