import { useState } from 'react';
import Taro, { useLoad, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { PrivacyPolicy } from '@allycard/contracts';
import { PageState } from '../../components/page-state';
import { memberApi } from '../../services/api';
import { errorMessage } from '../../services/errors';
import { pageParam } from '../../services/routes';
import './index.scss';

type State =
  { status: 'loading' } | { status: 'ready'; policy: PrivacyPolicy } | { status: 'error'; message: string };

/** 用户协议 or 隐私政策 of the alliance, the version the join page asks the shopper to agree to. */
export default function PolicyPage() {
  const { params } = useRouter();
  const doc = pageParam(params, 'doc') === 'terms' ? 'terms' : 'privacy';
  const scene = pageParam(params, 'scene') ?? undefined;
  const share = pageParam(params, 'share') ?? undefined;
  const [state, setState] = useState<State>({ status: 'loading' });

  const load = async () => {
    setState({ status: 'loading' });
    try {
      const policy = await memberApi.privacyPolicy({ scene, share });
      setState({ status: 'ready', policy });
      void Taro.setNavigationBarTitle({ title: policy[doc].title });
    } catch (error) {
      setState({ status: 'error', message: errorMessage(error) });
    }
  };
  useLoad(() => void load());

  if (state.status === 'loading') return <PageState status="loading" />;
  if (state.status === 'error')
    return (
      <PageState status="error" description={state.message} actionText="重试" onAction={() => void load()} />
    );
  const { policy } = state;
  return (
    <View className="page policy">
      <Text className="policy__title">{policy[doc].title}</Text>
      <Text className="policy__version">
        第 {policy.version} 版 · {policy.publishedAt.slice(0, 10)} 发布
      </Text>
      {policy[doc].body.split(/\n{2,}/).map((paragraph, i) => (
        <Text className="policy__paragraph" key={i}>
          {paragraph}
        </Text>
      ))}
    </View>
  );
}
