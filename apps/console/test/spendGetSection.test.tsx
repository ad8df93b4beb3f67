import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { ApiError, type CouponTemplate } from '@allycard/contracts';
import { api } from '../src/api/admin';
import { issuableTemplates, SpendGetSection } from '../src/pages/benefits/SpendGetSection';

jest.mock('../src/api/admin', () => ({
  api: {
    spendGetRules: jest.fn(),
    createSpendGetRule: jest.fn(),
    removeSpendGetRule: jest.fn(),
    spendGetKept: jest.fn(),
  },
}));
const mocked = api as unknown as Record<
  'spendGetRules' | 'createSpendGetRule' | 'removeSpendGetRule' | 'spendGetKept',
  jest.Mock
>;

jest.setTimeout(60_000);

const template = (over: Partial<CouponTemplate>): CouponTemplate => ({
  id: '1',
  title: '满百返五元',
  description: null,
  kind: 'no_threshold',
  valueFen: 500,
  discountPermille: null,
  maxDiscountFen: null,
  thresholdFen: 0,
  stock: 100,
  issued: 0,
  remaining: 100,
  perMemberLimit: 1,
  validDays: 7,
  validFrom: null,
  validUntil: null,
  usableAt: 'alliance',
  merchantIds: [],
  audience: 'all',
  minTierCode: null,
  firstOrderOnly: false,
  forwardable: false,
  joinGift: false,
  channel: 'issue_only',
  issuer: { type: 'alliance', merchantId: null },
  status: 'active',
  createdAt: '2026-12-01T00:00:00.000Z',
  ...over,
});
const templates = [
  template({}),
  template({ id: '2', title: '暂停的券', status: 'paused' }),
  template({ id: '3', title: '发完的券', stock: 10, issued: 10, remaining: 0 }),
  template({ id: '4', title: '过期的券', validDays: null, validUntil: '2020-01-01T00:00:00.000Z' }),
];
const merchants = [{ id: '7', name: '老街咖啡' }] as never;
const rule = { id: '9', merchantId: '7', minPaidFen: 10_000, templateId: '1', couponTitle: '满百返五元' };

const rowsOf = (testId: string) =>
  within(screen.getByTestId(testId))
    .getAllByRole('row')
    .slice(1)
    .map((row) =>
      within(row)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    );

/** Opens an Ant Design Select of the form item labelled `label` and picks the option starting so. */
async function pick(form: HTMLElement, label: string, option: string) {
  const item = within(form).getByText(label).closest('.ant-form-item') as HTMLElement;
  fireEvent.mouseDown(item.querySelector('.ant-select-selector') as HTMLElement);
  const choice = await waitFor(() => {
    const found = Array.from(document.querySelectorAll<HTMLElement>('.ant-select-item-option')).find((el) =>
      el.textContent?.startsWith(option),
    );
    if (!found) throw new Error(`no option ${option}`);
    return found;
  });
  fireEvent.click(choice);
}

const options = () =>
  Array.from(document.querySelectorAll<HTMLElement>('.ant-select-item-option')).map((el) => el.textContent);

beforeEach(() => {
  mocked.spendGetRules.mockResolvedValue([rule]);
  mocked.spendGetKept.mockResolvedValue([
    {
      grantId: '31',
      sourceType: 'redemption',
      orderId: null,
      redemptionId: '501',
      memberId: '12',
      couponId: '88',
      updatedAt: '2026-12-07T02:30:00.000Z',
    },
    {
      grantId: '30',
      sourceType: 'order',
      orderId: '401',
      redemptionId: null,
      memberId: '11',
      couponId: '87',
      updatedAt: '2026-12-06T02:30:00.000Z',
    },
  ]);
});

describe('满额返券 in 会员权益', () => {
  it('offers only templates that can issue now', () => {
    expect(issuableTemplates(templates, new Date('2026-12-07T00:00:00Z')).map((t) => t.id)).toEqual(['1']);
  });

  it('lists the rules and the refunded or voided purchases whose coupon had been used', async () => {
    render(<SpendGetSection merchants={merchants} templates={templates} />);
    await waitFor(() => expect(rowsOf('spend-get-rules')).toHaveLength(1));
    expect(rowsOf('spend-get-rules')[0]).toEqual(['¥100.00', '满百返五元', '老街咖啡', '删 除']);
    await waitFor(() => expect(rowsOf('spend-get-kept')).toHaveLength(2));
    expect(rowsOf('spend-get-kept')).toEqual([
      ['柜台消费 501', '12', '88', '2026-12-07 10:30'],
      ['订单 401', '11', '87', '2026-12-06 10:30'],
    ]);
  });

  it('refuses an amount of 0 and a missing template before sending, then adds a rule at a merchant', async () => {
    mocked.createSpendGetRule.mockResolvedValue({ ...rule, id: '10' });
    const { container } = render(<SpendGetSection merchants={merchants} templates={templates} />);
    await waitFor(() => expect(rowsOf('spend-get-rules')).toHaveLength(1));
    const form = container.querySelector('form#spend-get') as HTMLElement;
    const amount = form.querySelector('#spend-get_minYuan') as HTMLInputElement;
    fireEvent.change(amount, { target: { value: '0' } });
    fireEvent.click(within(form).getByText('添加满额返券'));
    expect(await screen.findByText('金额须大于 0')).toBeTruthy();
    expect(await screen.findByText('请选择要返的券')).toBeTruthy();
    expect(mocked.createSpendGetRule).not.toHaveBeenCalled();

    fireEvent.change(amount, { target: { value: '100' } });
    await pick(form, '适用商户', '老街咖啡');
    await pick(form, '返券', '满百返五元');
    // the paused, used-up and expired templates are not offered
    expect(options().some((o) => /暂停的券|发完的券|过期的券/.test(o ?? ''))).toBe(false);
    fireEvent.click(within(form).getByText('添加满额返券'));
    await waitFor(() => expect(mocked.createSpendGetRule).toHaveBeenCalled());
    expect(mocked.createSpendGetRule).toHaveBeenCalledWith({
      merchantId: '7',
      minPaidFen: 10_000,
      templateId: '1',
    });
    await waitFor(() => expect(mocked.spendGetRules).toHaveBeenCalledTimes(2));
  });

  it('shows the server’s refusal on the template field, and deletes a rule after asking', async () => {
    mocked.createSpendGetRule.mockRejectedValue(
      new ApiError(400, 'VALIDATION_FAILED', '满额返券的券模板现在发不出券（已暂停），请选择可发放的券', [
        { field: 'templateId', message: 'template cannot issue: paused' },
      ]),
    );
    mocked.removeSpendGetRule.mockResolvedValue(rule);
    const { container } = render(<SpendGetSection merchants={merchants} templates={templates} />);
    await waitFor(() => expect(rowsOf('spend-get-rules')).toHaveLength(1));
    const form = container.querySelector('form#spend-get') as HTMLElement;
    fireEvent.change(form.querySelector('#spend-get_minYuan') as HTMLInputElement, {
      target: { value: '50' },
    });
    await pick(form, '返券', '满百返五元');
    fireEvent.click(within(form).getByText('添加满额返券'));
    await waitFor(() => expect(mocked.createSpendGetRule).toHaveBeenCalled());
    expect(mocked.createSpendGetRule).toHaveBeenCalledWith({
      merchantId: null,
      minPaidFen: 5_000,
      templateId: '1',
    });
    expect(await screen.findAllByText(/发不出券|template cannot issue/)).not.toHaveLength(0);

    fireEvent.click(within(screen.getByTestId('spend-get-rules')).getByText('删 除'));
    const ok = await waitFor(() => {
      const button = document.querySelector<HTMLElement>('.ant-popconfirm .ant-btn-primary');
      if (!button) throw new Error('no confirmation');
      return button;
    });
    fireEvent.click(ok);
    await waitFor(() => expect(mocked.removeSpendGetRule).toHaveBeenCalledWith('9'));
  });
});
