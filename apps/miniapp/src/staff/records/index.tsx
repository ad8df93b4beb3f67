import { useState } from 'react';
import { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button, Dialog, Input } from '@nutui/nutui-react-taro';
import { COUNTER_VOID_REASON_MAX, formatFen } from '@allycard/domain';
import type { CounterRecord } from '@allycard/contracts';
import { PageState } from '../../components/page-state';
import { staffApi } from '../../services/api';
import { formatTime } from '../../services/dates';
import { errorMessage, hasCode, toastError, toastSuccess, userError } from '../../services/errors';
import { StaffNav } from '../nav';
import { endedStaffSession, signOutStaff, useStaffGuard } from '../staff-session';
import '../staff.scss';

type ListState =
  | { status: 'loading' }
  | { status: 'ready'; records: CounterRecord[] }
  | { status: 'error'; message: string };

/** Whether 撤销 is still offered: the server said until when this account may void it. */
export function stillVoidable(record: CounterRecord, now = Date.now()): boolean {
  return !record.voided && record.voidableUntil !== null && Date.parse(record.voidableUntil) > now;
}

/** 今日记录: the store's counter records of today; a wrong one is voided with a reason. */
export default function StaffRecordsPage() {
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const [voiding, setVoiding] = useState<CounterRecord | null>(null);
  const [reason, setReason] = useState('');
  const [submitting, setSubmitting] = useState(false);
  useStaffGuard();

  const load = async () => {
    try {
      const answer = await staffApi.todayRecords();
      setList({ status: 'ready', records: answer.items });
    } catch (error) {
      if (await endedStaffSession(error)) return;
      setList((prev) => (prev.status === 'ready' ? prev : { status: 'error', message: errorMessage(error) }));
      toastError(error);
    }
  };

  useDidShow(() => void load());

  const open = (record: CounterRecord) => {
    setReason('');
    setVoiding(record);
  };

  const confirm = async (record: CounterRecord) => {
    if (submitting) return;
    const text = reason.trim();
    if (!text) {
      const error = userError('请填写撤销原因');
      toastError(error);
      // NutUI's Dialog stays open when onConfirm rejects: the clerk writes the reason
      throw error;
    }
    setSubmitting(true);
    try {
      const voided = await staffApi.voidRecord(record.id, text);
      setVoiding(null);
      setList((prev) =>
        prev.status === 'ready'
          ? { status: 'ready', records: prev.records.map((r) => (r.id === voided.id ? voided : r)) }
          : prev,
      );
      toastSuccess('已撤销');
    } catch (error) {
      setVoiding(null);
      if (await endedStaffSession(error)) return;
      toastError(error);
      // already voided elsewhere, past the window, or gone: show the list as it is now
      if (hasCode(error, 409) || hasCode(error, 404) || hasCode(error, 403)) void load();
    } finally {
      setSubmitting(false);
    }
  };

  const body = () => {
    if (list.status === 'loading') return <PageState status="loading" compact title="正在加载今日记录…" />;
    if (list.status === 'error')
      return (
        <PageState
          status="error"
          compact
          title="今日记录没加载出来"
          description={list.message}
          actionText="重试"
          onAction={() => void load()}
        />
      );
    if (!list.records.length)
      return (
        <PageState
          status="empty"
          compact
          title="今天还没有记录"
          description="在验卡核销里记录的消费会显示在这里"
        />
      );
    return list.records.map((record) => (
      <RecordCard key={record.id} record={record} onVoid={() => open(record)} />
    ));
  };

  return (
    <View className="page staff staff-records">
      <StaffNav current="records" />
      <View className="staff-orders__bar">
        <Text className="staff-orders__lead">本店今天的核销与消费记录</Text>
        <Text className="staff-orders__refresh" onClick={() => void load()}>
          刷新
        </Text>
      </View>
      {body()}

      <Dialog
        className="staff-records__dialog"
        visible={voiding !== null}
        title="撤销这条记录？"
        confirmText={submitting ? '撤销中' : '确认撤销'}
        cancelText="取消"
        disableConfirmButton={submitting}
        onConfirm={() => (voiding ? confirm(voiding) : undefined)}
        onCancel={() => setVoiding(null)}
        onClose={() => setVoiding(null)}
      >
        {voiding ? (
          <View className="staff-orders__form">
            <Text className="staff-orders__form-line">
              {formatTime(voiding.createdAt)} · {voiding.cardNoMasked} · 消费 {formatFen(voiding.amountFen)}
            </Text>
            <Input
              className="staff-records__reason"
              name="voidReason"
              placeholder="撤销原因（必填），如：金额输错"
              maxLength={COUNTER_VOID_REASON_MAX}
              value={reason}
              onChange={(value: string) => setReason(value)}
            />
            <Text className="staff-orders__form-note">
              撤销后积分扣回{voiding.coupon ? '、优惠券退回顾客（仍在有效期内时）' : ''}，不能恢复
            </Text>
          </View>
        ) : null}
      </Dialog>

      <View className="verify__footer">
        <Button size="small" fill="none" className="verify__logout" onClick={() => void signOutStaff()}>
          退出登录
        </Button>
      </View>
    </View>
  );
}

function RecordCard({ record, onVoid }: { record: CounterRecord; onVoid: () => void }) {
  const v = record.voided;
  return (
    <View className={`staff-order staff-record${v ? ' staff-record--voided' : ''}`}>
      <View className="staff-order__head">
        <Text className="staff-order__no">
          {formatTime(record.createdAt)} · {record.cardNoMasked}
        </Text>
        {v ? <Text className="staff-record__voided">已撤销</Text> : null}
      </View>
      <View className="staff-order__money">
        <Text className="staff-order__payable">
          {record.amountFen > 0 ? `消费 ${formatFen(record.amountFen)}` : '仅核销券'}
        </Text>
        <Text className="staff-order__amount">积分 +{record.pointsEarned}</Text>
      </View>
      {record.coupon ? (
        <Text className="staff-order__meta">
          用券 {record.coupon.title}
          {record.couponDiscountFen > 0 ? ` · 减 ${formatFen(record.couponDiscountFen)}` : ''}
        </Text>
      ) : null}
      {record.memberDayDiscountFen > 0 ? (
        <Text className="staff-order__meta">会员日 减 {formatFen(record.memberDayDiscountFen)}</Text>
      ) : null}
      {record.staffUsername ? <Text className="staff-order__meta">经办 {record.staffUsername}</Text> : null}
      {v ? (
        <Text className="staff-record__reason">
          撤销原因：{v.reason}（{v.byUsername ?? '店员'} {formatTime(v.at)}，扣回积分 {v.pointsReversed}
          {record.coupon ? (v.couponReturned ? '，券已退回' : '，券未退回') : ''}）
        </Text>
      ) : null}
      {stillVoidable(record) ? (
        <View className="staff-order__actions">
          <Button className="staff-record__void" size="small" fill="outline" onClick={onVoid}>
            撤销
          </Button>
        </View>
      ) : null}
    </View>
  );
}
