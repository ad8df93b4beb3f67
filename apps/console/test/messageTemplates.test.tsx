import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { ApiError } from '@allycard/contracts';
import { api } from '../src/api/admin';
import MessageTemplatesPage from '../src/pages/messages/MessageTemplatesPage';
import { errorPath, toFormValues, toRequest } from '../src/pages/messages/templateForm';

jest.mock('../src/api/admin', () => ({
  api: { messageTemplates: jest.fn(), setMessageTemplates: jest.fn() },
}));
const load = api.messageTemplates as jest.Mock;
const save = api.setMessageTemplates as jest.Mock;
jest.setTimeout(30_000);

const couponSetting = {
  kind: 'coupon_expiring' as const,
  templateId: 'tpl-coupon',
  page: 'coupon/mine/index',
  fields: { thing1: 'couponTitle', time2: 'validUntil' },
};

describe('templateForm', () => {
  it('round-trips the saved settings and leaves out kinds switched off and empty rows', () => {
    const values = toFormValues([couponSetting]);
    expect(values.coupon_expiring).toEqual({
      enabled: true,
      templateId: 'tpl-coupon',
      page: 'coupon/mine/index',
      fields: [
        { keyword: 'thing1', field: 'couponTitle' },
        { keyword: 'time2', field: 'validUntil' },
      ],
    });
    expect(values.tier_upgraded).toMatchObject({ enabled: false, page: 'pages/card/index' });
    values.coupon_expiring.fields.push({ keyword: ' ', field: 'tip' });
    expect(toRequest(values)).toEqual({ templates: [couponSetting] });
  });
  it('puts a server error on the row of the keyword it names', () => {
    const values = toFormValues([couponSetting, { ...couponSetting, kind: 'tier_upgraded', fields: {} }]);
    expect(errorPath('templates.0.fields.time2', values)).toEqual(['coupon_expiring', 'fields', 1, 'field']);
    expect(errorPath('templates.1.templateId', values)).toEqual(['tier_upgraded', 'templateId']);
    expect(errorPath('other', values)).toBeNull();
  });
});

describe('消息模板 page', () => {
  it('shows the saved template, saves an edit and shows a field the kind does not have on its row', async () => {
    load.mockResolvedValue({ items: [couponSetting] });
    save.mockRejectedValueOnce(
      new ApiError(400, 'VALIDATION_FAILED', '消息模板配置有误', [
        { field: 'templates.0.fields.time2', message: 'time2: 字段 nickname 不存在' },
      ]),
    );
    render(<MessageTemplatesPage />);
    const card = await screen.findByTestId('kind-coupon_expiring');
    expect(within(card).getByDisplayValue('tpl-coupon')).toBeTruthy();
    expect(
      within(screen.getByTestId('kind-tier_upgraded')).getByText('未配置模板，不发送此类消息。'),
    ).toBeTruthy();

    fireEvent.change(within(card).getByDisplayValue('tpl-coupon'), { target: { value: 'tpl-new' } });
    fireEvent.click(screen.getByRole('button', { name: /保\s*存/ }));
    await waitFor(() => expect(save).toHaveBeenCalledTimes(1));
    expect(save.mock.calls[0][0]).toEqual({ templates: [{ ...couponSetting, templateId: 'tpl-new' }] });
    expect(await within(card).findByText('time2: 字段 nickname 不存在')).toBeTruthy();

    save.mockResolvedValueOnce({ items: [{ ...couponSetting, templateId: 'tpl-new' }] });
    fireEvent.click(screen.getByRole('button', { name: /保\s*存/ }));
    await waitFor(() => expect(save).toHaveBeenCalledTimes(2));
  });
});
