import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { requestSubscribeMessage } from './__mocks__/taro';
import { SubscribePrompt } from '../src/components/subscribe-sheet';
import MessageSettingsPage from '../src/messages/settings/index';
import { mockServer } from './helpers';

// the weapp twin: jest, like an h5 build, resolves the .h5 file first
const { requestSubscribe: weappRequestSubscribe } = jest.requireActual<
  typeof import('../src/platform/subscribe')
>('../src/platform/subscribe.ts');

const subscriptions = [
  { kind: 'coupon_expiring', templateId: 'tpl-coupon', remaining: 0 },
  { kind: 'points_expiring', templateId: 'tpl-points', remaining: 2 },
  { kind: 'referral_reward', templateId: 'tpl-referral', remaining: 0 },
];

describe('the opt-in after a moment (h5 sheet)', () => {
  it('offers the moment’s messages once a day, and reports what the shopper allowed', async () => {
    const sent = mockServer({
      'GET /api/v1/me/subscriptions': { status: 200, body: subscriptions },
      'POST /api/v1/me/subscriptions': {
        status: 200,
        body: [
          { templateId: 'tpl-coupon', remaining: 1 },
          { templateId: 'tpl-referral', remaining: 0 },
        ],
      },
    });
    const { unmount } = render(<SubscribePrompt moment="claim" />);
    const prompt = await screen.findByTestId('subscribe-prompt-claim');
    expect(prompt.textContent).toContain('优惠券快到期时提醒你');
    fireEvent.click(within(prompt).getByText('开启提醒'));

    // the sheet lists the claim's messages the alliance sends, each ticked; the shopper unticks one
    const items = await screen.findAllByRole('checkbox');
    expect(items.map((i) => i.textContent)).toEqual(['✓优惠券快到期时提醒你', '✓好友下单、奖励到账时通知你']);
    fireEvent.click(items[1]);
    fireEvent.click(screen.getByText('允许'));
    await waitFor(() => expect(sent.some((r) => r.method === 'POST')).toBe(true));
    expect(sent.find((r) => r.method === 'POST')?.body).toEqual({
      results: { 'tpl-coupon': 'accept', 'tpl-referral': 'reject' },
    });
    await waitFor(() => expect(screen.queryByTestId('subscribe-prompt-claim')).toBeNull());
    unmount();

    // the same moment the same day asks nothing, and does not even look
    const before = sent.length;
    render(<SubscribePrompt moment="claim" />);
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId('subscribe-prompt-claim')).toBeNull();
    expect(sent.length).toBe(before);
  });

  it('shows nothing when the alliance sends none of the moment’s messages', async () => {
    mockServer({ 'GET /api/v1/me/subscriptions': { status: 200, body: [] } });
    render(<SubscribePrompt moment="pay" />);
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId('subscribe-prompt-pay')).toBeNull();
  });

  it('cancelling the sheet reports every message as rejected', async () => {
    const sent = mockServer({
      'GET /api/v1/me/subscriptions': { status: 200, body: subscriptions },
      'POST /api/v1/me/subscriptions': { status: 200, body: [] },
    });
    render(<SubscribePrompt moment="pay" />);
    fireEvent.click(within(await screen.findByTestId('subscribe-prompt-pay')).getByText('开启提醒'));
    fireEvent.click(await screen.findByText('取消'));
    await waitFor(() =>
      expect(sent.find((r) => r.method === 'POST')?.body).toEqual({
        results: { 'tpl-points': 'reject', 'tpl-coupon': 'reject' },
      }),
    );
  });
});

describe('消息设置', () => {
  it('lists each message with what is left and allows one more', async () => {
    const sent = mockServer({
      'GET /api/v1/me/subscriptions': { status: 200, body: subscriptions },
      'POST /api/v1/me/subscriptions': { status: 200, body: [{ templateId: 'tpl-coupon', remaining: 1 }] },
    });
    render(<MessageSettingsPage />);
    expect(await screen.findByText('还可收到 2 条')).toBeTruthy();
    expect(screen.getAllByText('未开启')).toHaveLength(2);
    fireEvent.click(screen.getAllByText('开启')[0]);
    fireEvent.click(await screen.findByText('允许'));
    await waitFor(() => expect(screen.getAllByText('还可收到 1 条')).toHaveLength(1));
    expect(sent.find((r) => r.method === 'POST')?.body).toEqual({ results: { 'tpl-coupon': 'accept' } });
  });

  it('says so when the request fails', async () => {
    mockServer({});
    render(<MessageSettingsPage />);
    expect(await screen.findByText('重试')).toBeTruthy();
  });
});

describe('weapp: WeChat’s dialog', () => {
  it('asks for at most 3 templates and reports ban / filter as reject', async () => {
    requestSubscribeMessage.mockResolvedValueOnce({
      errMsg: 'requestSubscribeMessage:ok',
      a: 'accept',
      b: 'ban',
      c: 'filter',
    });
    const items = ['a', 'b', 'c', 'd'].map((templateId) => ({ templateId, label: templateId }));
    expect(await weappRequestSubscribe(items)).toEqual({ a: 'accept', b: 'reject', c: 'reject' });
    expect(requestSubscribeMessage).toHaveBeenCalledWith({ tmplIds: ['a', 'b', 'c'] });
    requestSubscribeMessage.mockRejectedValueOnce({ errMsg: 'requestSubscribeMessage:fail', errCode: 20004 });
    expect(await weappRequestSubscribe(items)).toBeNull();
  });
});
