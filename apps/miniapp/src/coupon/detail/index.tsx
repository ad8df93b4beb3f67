import { useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button, Cell, CellGroup, Dialog } from '@nutui/nutui-react-taro';
import { SHARE_LIFETIME_HOURS } from '@allycard/domain';
import { CouponItem } from '../../components/coupon-item';
import { PageState } from '../../components/page-state';
import { deliverShare, SharePanel, useShareTarget, type ShareTarget } from '../../platform';
import { memberApi } from '../../services/api';
import { canForward, couponDescription, couponStatusLine } from '../../services/coupon-text';
import { formatDate, formatDateTime } from '../../services/dates';
import { hasCode, toastError, toastSuccess, userError } from '../../services/errors';
import { merchantNames } from '../../services/merchants';
import { useMemberPage } from '../../services/member-page';
import { pageParam, ROUTES } from '../../services/routes';
import { forgetShare, recallShare, rememberShare } from '../../services/share-cache';
import type { ShareCreated, WalletCoupon } from '@allycard/contracts';
import '../coupon.scss';
import './index.scss';

/** What the menu shares while no coupon is being forwarded: the way in for a friend. */
const FALLBACK_SHARE: ShareTarget = { title: '一张卡逛遍联盟好店，入会就送券', path: 'pages/join/index' };

function merchantsText(coupon: WalletCoupon, names: Map<string, string>): string {
  if (coupon.usableAt === 'alliance') return '全联盟商户通用';
  const list = coupon.merchantIds.map((id) => names.get(String(id))).filter(Boolean);
  return list.length ? list.join('、') : '指定商户';
}

export default function CouponDetailPage() {
  const id = pageParam(useRouter().params, 'id');
  const [share, setShare] = useState<ShareCreated | null>(null);
  const [busy, setBusy] = useState<'share' | 'cancel' | null>(null);
  // 转赠 locks the coupon for the friend: asked first, with what it means
  const [confirming, setConfirming] = useState(false);

  const { state, reload, update } = useMemberPage(async () => {
    if (!id) throw userError('没有找到这张券');
    const [coupon, names] = await Promise.all([memberApi.coupon(id), merchantNames()]);
    setShare(coupon.status === 'sharing' ? recallShare(coupon.id) : null);
    return { coupon, names };
  });

  const coupon = state.status === 'ready' ? state.data.coupon : null;
  const target: ShareTarget | null =
    share && coupon ? { title: `送你一张「${coupon.title}」，快来领`, path: share.path } : null;
  useShareTarget(target, FALLBACK_SHARE);

  const setCoupon = (next: WalletCoupon) => update((data) => ({ ...data, coupon: next }));

  const startShare = async (current: WalletCoupon) => {
    if (busy) return;
    setBusy('share');
    try {
      const created = await memberApi.shareCoupon(current.id);
      rememberShare(current.id, created);
      setShare(created);
      setCoupon({ ...current, status: 'sharing' });
      await deliverShare({ title: `送你一张「${current.title}」，快来领`, path: created.path });
    } catch (error) {
      toastError(error);
      if (hasCode(error, 422, 'NOT_FORWARDABLE')) setCoupon({ ...current, forwardable: false });
      else if (hasCode(error, 409)) void reload();
    } finally {
      setBusy(null);
    }
  };

  const cancelShare = async (current: WalletCoupon) => {
    if (busy) return;
    setBusy('cancel');
    try {
      setCoupon(await memberApi.cancelShare(current.id));
      forgetShare(current.id);
      setShare(null);
      toastSuccess('已取消转赠');
    } catch (error) {
      toastError(error);
      // the friend may have accepted meanwhile: show what is true now
      void reload();
    } finally {
      setBusy(null);
    }
  };

  if (state.status === 'loading') return <PageState status="loading" />;
  if (state.status === 'error') {
    return (
      <PageState
        status="error"
        title="这张券没打开"
        description={state.message}
        actionText="看看我的券"
        onAction={() => void Taro.redirectTo({ url: ROUTES.myCoupons })}
      />
    );
  }

  const { names } = state.data;
  const current = state.data.coupon;
  return (
    <View className="page coupon-detail">
      <CouponItem coupon={current} merchantNames={names} />

      <CellGroup className="facts coupon-detail__facts">
        <Cell title="使用规则" extra={couponDescription(current)} />
        <Cell title="适用商户" extra={merchantsText(current, names)} />
        <Cell
          title="有效期"
          extra={`${formatDate(current.validFrom)} 至 ${formatDate(current.validUntil)}`}
        />
        <Cell title="状态" extra={couponStatusLine(current)} />
        {current.firstOrderOnly ? <Cell title="首单专享" extra="仅限在联盟的第一笔消费使用" /> : null}
        {current.receivedFrom ? <Cell title="来源" extra="好友赠送（不能再转赠）" /> : null}
      </CellGroup>

      {current.status === 'available' ? (
        <View className="coupon-detail__use">
          <Text className="coupon-detail__how">到店结账时出示会员码，店员扫码即可核销</Text>
          <Button type="primary" block onClick={() => void Taro.switchTab({ url: ROUTES.card })}>
            出示会员码
          </Button>
          {canForward(current) ? (
            <Button
              className="coupon-detail__forward"
              type="primary"
              fill="outline"
              block
              loading={busy === 'share'}
              onClick={() => setConfirming(true)}
            >
              转赠好友
            </Button>
          ) : null}
          {canForward(current) ? (
            <Text className="coupon-detail__note">好友领取后，这张券就归 TA 了</Text>
          ) : null}
        </View>
      ) : null}

      {current.status === 'sharing' ? (
        <View className="coupon-detail__sharing">
          <Text className="coupon-detail__sharing-title">转赠中 · 好友领取前这张券暂不能使用</Text>
          {target && share ? (
            <SharePanel
              target={target}
              note={`好友需在 ${formatDateTime(share.expiresAt)} 前领取，过期自动退回`}
            />
          ) : (
            <Text className="coupon-detail__note">转赠链接只保存在发起转赠的手机上；可以取消后重新转赠</Text>
          )}
          <Button
            className="coupon-detail__cancel"
            fill="outline"
            block
            loading={busy === 'cancel'}
            onClick={() => void cancelShare(current)}
          >
            取消转赠
          </Button>
        </View>
      ) : null}

      <Dialog
        className="coupon-detail__confirm"
        visible={confirming}
        title="转赠给好友"
        confirmText="确认转赠"
        cancelText="再想想"
        onConfirm={() => {
          setConfirming(false);
          void startShare(current);
        }}
        onCancel={() => setConfirming(false)}
        onClose={() => setConfirming(false)}
      >
        <Text className="coupon-detail__confirm-text">
          {`转赠后这张券为好友保留 ${SHARE_LIFETIME_HOURS} 小时，期间你不能使用；好友领取后券就归 TA，未领取会自动退回。`}
        </Text>
      </Dialog>
    </View>
  );
}
