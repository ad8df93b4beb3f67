import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button, Cell, CellGroup, Dialog, Input } from '@nutui/nutui-react-taro';
import { CLOSE_ACCOUNT_CONFIRMATION, type MemberExport } from '@allycard/contracts';
import { memberApi, memberToken } from '../../services/api';
import { toastError, toastSuccess, userError } from '../../services/errors';
import { ROUTES, withQuery } from '../../services/routes';
import './index.scss';

/** 我的 → 账号与隐私: the two documents, export my data, close my account (PIPL). */
export default function AccountPage() {
  const [exported, setExported] = useState<MemberExport | null>(null);
  const [exporting, setExporting] = useState(false);
  const [closing, setClosing] = useState(false);
  const [confirmOpen, setConfirmOpen] = useState(false);
  const [typed, setTyped] = useState('');

  const exportData = async () => {
    setExporting(true);
    try {
      const data = await memberApi.exportMyData();
      setExported(data);
      await Taro.setClipboardData({ data: JSON.stringify(data, null, 2) });
      toastSuccess('已复制到剪贴板');
    } catch (error) {
      toastError(error);
    } finally {
      setExporting(false);
    }
  };

  const closeAccount = async () => {
    if (typed.trim() !== CLOSE_ACCOUNT_CONFIRMATION) {
      toastError(userError(`请输入“${CLOSE_ACCOUNT_CONFIRMATION}”确认`));
      return;
    }
    setClosing(true);
    try {
      await memberApi.closeAccount(CLOSE_ACCOUNT_CONFIRMATION);
      memberToken.clear();
      setConfirmOpen(false);
      toastSuccess('账号已注销');
      await Taro.reLaunch({ url: ROUTES.join });
    } catch (error) {
      toastError(error);
    } finally {
      setClosing(false);
    }
  };

  const openDoc = (doc: 'terms' | 'privacy') =>
    void Taro.navigateTo({ url: withQuery(ROUTES.policy, { doc }) });

  return (
    <View className="page account">
      <CellGroup className="account__group">
        <Cell title="用户协议" extra="›" clickable onClick={() => openDoc('terms')} />
        <Cell title="隐私政策" extra="›" clickable onClick={() => openDoc('privacy')} />
      </CellGroup>

      <CellGroup className="account__group">
        <Cell
          className="account__export"
          title="导出我的数据"
          description="资料、手机号、券、积分、订单、转赠和同意记录，复制为 JSON"
          extra={exporting ? '导出中…' : '›'}
          clickable
          onClick={() => void (exporting ? undefined : exportData())}
        />
      </CellGroup>
      {exported ? (
        <View className="account__summary">
          <Text>
            已导出：{exported.coupons.length} 张券 · {exported.pointsTransactions.length} 条积分记录 ·{' '}
            {exported.orders.length} 笔订单 · {exported.shares.length} 次转赠
          </Text>
        </View>
      ) : null}

      <View className="account__danger">
        <Text className="account__warning">
          注销后，未使用的券作废、剩余积分清零，昵称、手机号、生日等资料被删除，且不可恢复；之后可以重新入会，成为新会员。
        </Text>
        <Button type="danger" fill="outline" block onClick={() => setConfirmOpen(true)}>
          注销账号
        </Button>
      </View>

      <Dialog
        className="close-dialog"
        visible={confirmOpen}
        title="注销账号"
        confirmText={closing ? '注销中' : '确认注销'}
        cancelText="再想想"
        disableConfirmButton={closing}
        onConfirm={() => void closeAccount()}
        onCancel={() => setConfirmOpen(false)}
        onClose={() => setConfirmOpen(false)}
      >
        <View className="close-dialog__body">
          <Text>请输入“{CLOSE_ACCOUNT_CONFIRMATION}”两个字确认</Text>
          <Input
            className="close-dialog__input"
            value={typed}
            placeholder={CLOSE_ACCOUNT_CONFIRMATION}
            onChange={setTyped}
          />
        </View>
      </Dialog>
    </View>
  );
}
