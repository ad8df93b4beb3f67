import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { ApiError, type AdminMerchant } from '@allycard/contracts';
import { api } from '../src/api/admin';
import { StoresDrawer } from '../src/pages/merchants/StoresDrawer';

jest.mock('../src/api/admin', () => ({ api: { addStore: jest.fn(), updateStore: jest.fn() } }));
const addStore = api.addStore as jest.Mock;
const updateStore = api.updateStore as jest.Mock;

// antd in jsdom is slow: the first render of a drawer with a table and a form takes seconds
jest.setTimeout(30_000);

const renmin = {
  id: '11',
  name: '街角咖啡·人民路店',
  address: '上海市黄浦区人民路 328 号',
  latitude: 31.229546,
  longitude: 121.488167,
  hoursText: '07:30–21:00',
  opensAt: '07:30',
  closesAt: '21:00',
  phone: '021-63281186',
};
const bare = {
  id: '12',
  name: '街角咖啡',
  address: null,
  latitude: null,
  longitude: null,
  hoursText: null,
  opensAt: null,
  closesAt: null,
  phone: null,
};
const merchant: AdminMerchant = { id: '3', name: '街角咖啡', description: null, stores: [renmin, bare] };

const field = (label: string | RegExp) => screen.getByLabelText(label) as HTMLInputElement;
const type = (label: string | RegExp, value: string) => fireEvent.change(field(label), { target: { value } });

describe('门店 drawer', () => {
  it('lists the stores with their place, hours and phone', () => {
    render(<StoresDrawer merchant={merchant} onClose={() => {}} onChange={() => {}} />);
    const rows = screen.getAllByRole('row');
    expect(within(rows[1]).getByText('上海市黄浦区人民路 328 号')).toBeTruthy();
    expect(within(rows[1]).getByText('31.229546, 121.488167')).toBeTruthy();
    expect(within(rows[1]).getByText('07:30–21:00')).toBeTruthy();
    expect(within(rows[1]).getByText('021-63281186')).toBeTruthy();
    expect(within(rows[2]).getAllByText('未填')).toHaveLength(4);
  });

  it('adds a store with its address, pasted 高德 coordinates, hours and phone', async () => {
    const onChange = jest.fn();
    const saved = {
      ...bare,
      id: '13',
      name: '南京西路店',
      address: '上海市静安区南京西路 1038 号',
      latitude: 31.229912,
      longitude: 121.458046,
      phone: '021-62170532',
    };
    addStore.mockResolvedValue(saved);
    render(<StoresDrawer merchant={merchant} onClose={() => {}} onChange={onChange} />);
    fireEvent.click(screen.getByText('新增门店'));
    type('门店名称', ' 南京西路店 ');
    type('地址', '上海市静安区南京西路 1038 号');
    type(/^坐标/, '121.458046,31.229912');
    type('电话', '021-62170532');
    fireEvent.click(screen.getByText('保 存'));
    await waitFor(() => expect(addStore).toHaveBeenCalled());
    expect(addStore).toHaveBeenCalledWith('3', {
      name: '南京西路店',
      address: '上海市静安区南京西路 1038 号',
      latitude: 31.229912,
      longitude: 121.458046,
      hoursText: null,
      opensAt: null,
      closesAt: null,
      phone: '021-62170532',
    });
    await waitFor(() => expect(onChange).toHaveBeenCalledWith('3', [renmin, bare, saved]));
  });

  it('edits a store: the form starts from it, cleared fields are sent as null', async () => {
    const onChange = jest.fn();
    updateStore.mockImplementation(async (_m: string, _s: string, body: object) => ({ ...renmin, ...body }));
    render(<StoresDrawer merchant={merchant} onClose={() => {}} onChange={onChange} />);
    fireEvent.click(screen.getAllByText('编辑')[0]);
    expect(field('地址').value).toBe('上海市黄浦区人民路 328 号');
    expect(field(/^坐标/).value).toBe('31.229546, 121.488167');
    type('电话', '');
    type('营业时间', '周一至周五 08:00–21:00');
    fireEvent.click(screen.getByText('保 存'));
    await waitFor(() => expect(updateStore).toHaveBeenCalled());
    expect(updateStore.mock.calls[0].slice(0, 2)).toEqual(['3', '11']);
    expect(updateStore.mock.calls[0][2]).toMatchObject({
      phone: null,
      hoursText: '周一至周五 08:00–21:00',
      latitude: 31.229546,
    });
    await waitFor(() => expect(onChange).toHaveBeenCalled());
    expect(onChange.mock.calls[0][1][0]).toMatchObject({ id: '11', phone: null });
  });

  it('refuses bad coordinates, times and phones before sending, and shows the server’s field errors', async () => {
    render(<StoresDrawer merchant={merchant} onClose={() => {}} onChange={() => {}} />);
    fireEvent.click(screen.getByText('新增门店'));
    type('门店名称', '店');
    type(/^坐标/, '95, 200');
    type(/^开门/, '8:00');
    type('电话', '电话021');
    fireEvent.click(screen.getByText('保 存'));
    expect(await screen.findByText('请填两个数：纬度 −90 到 90，经度 −180 到 180')).toBeTruthy();
    expect(screen.getByText('须为 HH:mm，如 08:00')).toBeTruthy();
    expect(screen.getByText('电话只能是数字和短横线，5–20 位')).toBeTruthy();
    expect(addStore).not.toHaveBeenCalled();

    // what only the server knows arrives on the form's field (both coordinates are one field)
    addStore.mockRejectedValue(
      new ApiError(400, 'VALIDATION_FAILED', '请求参数有误', [
        { field: 'latitude', message: 'latitude and longitude go together' },
      ]),
    );
    type(/^坐标/, '31.2, 121.4');
    type(/^开门/, '');
    type('电话', '021-63281186');
    await act(async () => {
      fireEvent.click(screen.getByText('保 存'));
    });
    expect(await screen.findByText('经度和纬度须一起填写')).toBeTruthy();
  });
});
