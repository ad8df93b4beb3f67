import { useRef, useState } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { Picker, Text, View } from '@tarojs/components';
import { Cell, CellGroup, Dialog, Input } from '@nutui/nutui-react-taro';
import type { Member, MemberProfile, UpdateMeRequest } from '@allycard/contracts';
import { businessDate } from '@allycard/domain';
import { PageState } from '../../components/page-state';
import { PrivacyGateSheet } from '../../components/privacy-sheet';
import { PhoneCodeButton } from '../../platform';
import { memberApi, staffToken } from '../../services/api';
import { errorMessage, toastError, toastSuccess, userError } from '../../services/errors';
import { ROUTES } from '../../services/routes';
import { withMember } from '../../services/session';
import './index.scss';

type MeState =
  | { status: 'loading' }
  | { status: 'ready'; profile: MemberProfile }
  | { status: 'guest' }
  | { status: 'error'; message: string };

const NICKNAME_MAX = 20;
/** Asked only here, when the member chooses to bind it; the reason is shown before WeChat's sheet. */
const PHONE_REASON = '用于门店核对会员身份、找回会员卡；商户只看到脱敏号码';

export default function MePage() {
  const [state, setState] = useState<MeState>({ status: 'loading' });
  const [editingNickname, setEditingNickname] = useState(false);
  const [nicknameDraft, setNicknameDraft] = useState('');
  const [saving, setSaving] = useState(false);
  const loaded = useRef(false);

  const load = async () => {
    if (!loaded.current) setState({ status: 'loading' });
    try {
      const profile = await withMember(() => memberApi.me());
      loaded.current = Boolean(profile);
      setState(profile ? { status: 'ready', profile } : { status: 'guest' });
    } catch (error) {
      if (!loaded.current) setState({ status: 'error', message: errorMessage(error) });
      toastError(error);
    }
  };

  useDidShow(() => void load());

  const applyMember = (member: Member) => {
    setState((prev) =>
      prev.status === 'ready' ? { status: 'ready', profile: { ...prev.profile, ...member } } : prev,
    );
  };

  const save = async (body: UpdateMeRequest, done: string) => {
    setSaving(true);
    try {
      applyMember(await memberApi.updateMe(body));
      toastSuccess(done);
      return true;
    } catch (error) {
      toastError(error);
      return false;
    } finally {
      setSaving(false);
    }
  };

  const saveNickname = async () => {
    const nickname = nicknameDraft.trim();
    if (!nickname || nickname.length > NICKNAME_MAX) {
      toastError(userError(`昵称请写 1–${NICKNAME_MAX} 个字`));
      return;
    }
    if (await save({ nickname }, '昵称已保存')) setEditingNickname(false);
  };

  const bindPhone = async (code: string) => {
    setSaving(true);
    try {
      applyMember(await memberApi.bindPhone(code));
      toastSuccess('手机号已绑定');
    } catch (error) {
      toastError(error);
    } finally {
      setSaving(false);
    }
  };

  const openStaff = () => {
    void Taro.navigateTo({ url: staffToken.get() ? ROUTES.staffVerify : ROUTES.staffLogin });
  };

  const staffEntry = (
    <CellGroup className="me__group">
      <Cell
        className="me__staff"
        title="员工入口"
        description="店员核销券和提货"
        extra="›"
        clickable
        onClick={openStaff}
      />
    </CellGroup>
  );

  if (state.status === 'loading') return <PageState status="loading" />;
  if (state.status === 'error') {
    return (
      <View className="page me">
        <PageState
          status="error"
          description={state.message}
          actionText="重试"
          onAction={() => void load()}
        />
        {staffEntry}
      </View>
    );
  }
  if (state.status === 'guest') {
    return (
      <View className="page me">
        <PageState
          status="empty"
          title="还不是会员"
          description="一键入会，领取联盟礼券"
          actionText="去入会"
          onAction={() => void Taro.navigateTo({ url: ROUTES.join })}
        />
        {staffEntry}
      </View>
    );
  }

  const { profile } = state;
  return (
    <View className="page me">
      <View className="me__header">
        <View className="me__avatar">{(profile.nickname || '会').slice(0, 1)}</View>
        <View className="me__who">
          <Text className="me__nickname">{profile.nickname || '微信用户'}</Text>
          <Text className="me__tier">
            {profile.tier.name} · {profile.points} 积分
          </Text>
        </View>
      </View>

      <CellGroup className="me__group">
        <Cell
          className="me__row me__row--nickname"
          title="昵称"
          extra={profile.nickname || '未设置'}
          clickable
          onClick={() => {
            setNicknameDraft(profile.nickname ?? '');
            setEditingNickname(true);
          }}
        />
        <Picker
          mode="date"
          value={profile.birthday || '1995-01-01'}
          start="1920-01-01"
          end={businessDate(new Date()) /* birthdays are kept in the Shanghai calendar */}
          onChange={(event) => void save({ birthday: String(event.detail.value) }, '生日已保存')}
        >
          <Cell
            className="me__row me__row--birthday"
            title="生日"
            extra={profile.birthday || '未设置'}
            clickable
          />
        </Picker>
        <Cell
          className="me__row me__row--phone"
          title="手机号"
          description={profile.phoneMasked ? undefined : PHONE_REASON}
          align="center"
          extra={
            profile.phoneMasked ? (
              <Text className="me__phone">{profile.phoneMasked}</Text>
            ) : (
              <PhoneCodeButton loading={saving} onCode={bindPhone}>
                绑定手机号
              </PhoneCodeButton>
            )
          }
        />
      </CellGroup>

      <CellGroup className="me__group">
        <Cell
          className="me__row"
          title="我的券"
          extra={profile.couponCount ? `${profile.couponCount} 张可用` : '›'}
          clickable
          onClick={() => void Taro.navigateTo({ url: ROUTES.myCoupons })}
        />
        <Cell
          className="me__row"
          title="我的积分"
          extra={`${profile.points} 积分`}
          clickable
          onClick={() => void Taro.navigateTo({ url: ROUTES.points })}
        />
        <Cell
          className="me__row me__row--orders"
          title="我的订单"
          extra="›"
          clickable
          onClick={() => void Taro.navigateTo({ url: ROUTES.orders })}
        />
        <Cell
          className="me__row"
          title="我的兑换"
          extra="›"
          clickable
          onClick={() => void Taro.navigateTo({ url: ROUTES.mallOrders })}
        />
      </CellGroup>

      <CellGroup className="me__group">
        <Cell
          className="me__row me__row--messages"
          title="消息设置"
          description="券到期、积分清零等提醒"
          extra="›"
          clickable
          onClick={() => void Taro.navigateTo({ url: ROUTES.messageSettings })}
        />
        <Cell
          className="me__row me__row--account"
          title="账号与隐私"
          description="协议、导出我的数据、注销账号"
          extra="›"
          clickable
          onClick={() => void Taro.navigateTo({ url: ROUTES.account })}
        />
      </CellGroup>

      {staffEntry}

      <PrivacyGateSheet />

      <Dialog
        className="nickname-dialog"
        visible={editingNickname}
        title="修改昵称"
        confirmText={saving ? '保存中' : '保存'}
        cancelText="取消"
        disableConfirmButton={saving}
        onConfirm={() => void saveNickname()}
        onCancel={() => setEditingNickname(false)}
        onClose={() => setEditingNickname(false)}
      >
        <Input
          className="nickname-dialog__input"
          value={nicknameDraft}
          maxLength={NICKNAME_MAX}
          placeholder="给自己起个名字"
          onChange={setNicknameDraft}
        />
      </Dialog>
    </View>
  );
}
