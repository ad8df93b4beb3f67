import { useState } from 'react';
import Taro from '@tarojs/taro';
import { View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { PageState } from '../../components/page-state';
import { scanMemberCode } from '../../platform';
import { staffApi } from '../../services/api';
import { errorMessage, toastError, userError } from '../../services/errors';
import { memberCodeProblem } from '@allycard/domain';
import type { StaffLookup } from '@allycard/contracts';
import { CodeReader } from '../code-reader';
import { StaffNav } from '../nav';
import { endedStaffSession, signOutStaff, useStaffGuard } from '../staff-session';
import { RedeemPanel } from './redeem-panel';
import '../staff.scss';

type LookupState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'found'; memberCode: string; result: StaffLookup }
  | { status: 'error'; message: string };

/** Digits only: the code under the QR is shown as one run of digits; people type it with spaces. */
function normaliseCode(raw: string): string {
  return raw.replace(/\s+/g, '');
}

export default function StaffVerifyPage() {
  const [input, setInput] = useState('');
  const [lookup, setLookup] = useState<LookupState>({ status: 'idle' });
  useStaffGuard();

  const verify = async (raw: string) => {
    const memberCode = normaliseCode(raw);
    if (!memberCode) {
      toastError(userError('请输入会员码'));
      return;
    }
    // a code that cannot be one is told apart here, in words the clerk can act on
    const problem = memberCodeProblem(memberCode);
    if (problem) {
      setLookup({ status: 'error', message: problem });
      return;
    }
    setLookup({ status: 'loading' });
    try {
      const result = await staffApi.lookupMember(memberCode);
      // an error toast from the previous code must not linger over this member
      Taro.hideToast();
      setLookup({ status: 'found', memberCode, result });
      setInput('');
    } catch (error) {
      if (await endedStaffSession(error)) return;
      // said once, on the page (a toast on top would repeat it)
      setLookup({ status: 'error', message: errorMessage(error) });
    }
  };

  const scan = async () => {
    const code = await scanMemberCode();
    if (code) {
      setInput(code);
      await verify(code);
    }
  };

  return (
    <View className="page staff verify">
      <StaffNav current="verify" />
      <CodeReader
        block="verify"
        name="memberCode"
        scanLabel="扫会员码"
        submitLabel="查询"
        placeholders={{ withScan: '或输入会员码下方的数字', typeOnly: '输入会员码下方的数字' }}
        confirmType="search"
        value={input}
        onChange={setInput}
        onScan={() => void scan()}
        onSubmit={() => void verify(input)}
        loading={lookup.status === 'loading'}
      />

      {lookup.status === 'idle' ? (
        <PageState status="empty" compact title="等待验卡" description="请顾客打开「会员卡」出示会员码" />
      ) : null}
      {lookup.status === 'loading' ? <PageState status="loading" compact title="查询中…" /> : null}
      {lookup.status === 'error' ? (
        <PageState status="error" compact title="没查到" description={lookup.message} />
      ) : null}
      {lookup.status === 'found' ? (
        <RedeemPanel
          key={lookup.memberCode}
          memberCode={lookup.memberCode}
          lookup={lookup.result}
          onNext={() => setLookup({ status: 'idle' })}
        />
      ) : null}

      <View className="verify__footer">
        <Button size="small" fill="none" className="verify__logout" onClick={() => void signOutStaff()}>
          退出登录
        </Button>
      </View>
    </View>
  );
}
