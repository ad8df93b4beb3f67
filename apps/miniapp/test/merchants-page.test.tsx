import { fireEvent, render, screen, within } from '@testing-library/react';
import {
  getLocation,
  makePhoneCall,
  navigateTo,
  openLocation,
  requirePrivacyAuthorize,
  taroTest,
} from './__mocks__/taro';
import * as reactModule from 'react';
import * as jsxModule from 'react/jsx-runtime';
import * as componentsModule from '@tarojs/components';
import * as taroModule from './__mocks__/taro';
import MerchantsPage, { arrange } from '../src/alliance/merchants/index';
import { badgeColour } from '../src/services/merchants';
import { businessDateTime } from '@allycard/domain';
import CardPage from '../src/pages/card/index';
import { DEMO_OPENID_KEY } from '../src/platform/login.h5';
import { apiError, mockServer, profile } from './helpers';

/**
 * 'HH:mm' in Shanghai `hours` from the test's start, so a store opens or closes around the test's own
 * time; one start for every use, or a minute ticking between the fixture and an assertion fails it.
 */
const STARTED = Date.now();
const shanghaiIn = (hours: number) => businessDateTime(new Date(STARTED + hours * 3600_000)).slice(11, 16);

const place = (over: Record<string, unknown>) => ({
  address: null,
  latitude: null,
  longitude: null,
  hoursText: null,
  opensAt: null,
  closesAt: null,
  phone: null,
  ...over,
});

const renmin = place({
  id: 's1',
  name: '街角咖啡·人民路店',
  address: '上海市黄浦区人民路 328 号',
  latitude: 31.229546,
  longitude: 121.488167,
  hoursText: '07:30–21:00',
  phone: '021-63281186',
});
const nanjing = place({
  id: 's2',
  name: '街角咖啡·南京西路店',
  address: '上海市静安区南京西路 1038 号 1 楼',
  latitude: 31.229912,
  longitude: 121.458046,
  hoursText: null,
  opensAt: shanghaiIn(-1),
  closesAt: shanghaiIn(1),
  phone: '021-62170532',
});
const bund = place({
  id: 's3',
  name: '麦香烘焙·中山路店',
  address: '上海市黄浦区中山东二路 88 号',
  latitude: 31.233471,
  longitude: 121.494317,
  hoursText: '早八晚六',
  opensAt: shanghaiIn(1),
  closesAt: shanghaiIn(2),
});
const unplaced = place({ id: 's4', name: '知行书店·文化街店', address: '上海市黄浦区福州路 401 号' });

const points = { earnFenPerPoint: 100, multiplierPermille: 1000, text: '每消费¥1得1积分' };
const merchants = [
  {
    id: '1',
    name: '街角咖啡',
    description: '手冲咖啡与轻食',
    stores: [renmin, nanjing],
    cardBenefits: {
      coupons: {
        held: 1,
        claimable: 2,
        best: { id: 't1', title: '咖啡满100减20', text: '满100减20', held: false },
      },
      memberPrice: { tierName: '银卡', discountPermille: 980, text: '银卡9.8折' },
      points,
    },
  },
  {
    id: '2',
    name: '麦香烘焙',
    description: null,
    stores: [bund],
    cardBenefits: {
      coupons: {
        held: 1,
        claimable: 0,
        best: { id: 'c9', title: '全盟5元', text: '无门槛减5元', held: true },
      },
      memberPrice: null,
      points,
    },
  },
  {
    id: '3',
    name: '知行书店',
    description: '图书、文具与咖啡角',
    stores: [unplaced],
    cardBenefits: { coupons: { held: 0, claimable: 0, best: null }, memberPrice: null, points },
  },
];

/** A GPS fix (WGS-84) a few metres from the 南京西路 store, whose coordinates are GCJ-02. */
const nearNanjingWgs = { latitude: 31.229912 + 0.00192, longitude: 121.458046 - 0.00451 };

function allowGeolocation(result: 'granted' | 'denied') {
  const getCurrentPosition = jest.fn((ok: PositionCallback, fail: PositionErrorCallback) => {
    if (result === 'granted') ok({ coords: nearNanjingWgs } as GeolocationPosition);
    else fail({ code: 1, message: 'User denied Geolocation' } as GeolocationPositionError);
  });
  Object.defineProperty(window.navigator, 'geolocation', {
    value: { getCurrentPosition },
    configurable: true,
  });
  return getCurrentPosition;
}

const names = (container: HTMLElement, selector: string) =>
  Array.from(container.querySelectorAll(selector)).map((e) => e.textContent);

beforeEach(() => {
  window.localStorage.setItem(DEMO_OPENID_KEY, 'h5_merchants');
  taroTest.storage.set('allycard.memberToken', 'token');
});

describe('联盟商户', () => {
  it('lists every merchant with its badge, what the card gives there and each store', async () => {
    const sent = mockServer({ 'GET /api/v1/merchants?with=benefits': { status: 200, body: merchants } });
    const { container } = render(<MerchantsPage />);
    expect(screen.getByText('正在找联盟商户…')).toBeTruthy();
    await screen.findByText('街角咖啡');
    expect(sent[0].headers.authorization).toBe('Bearer token');
    expect(names(container, '.merchants__name')).toEqual(['街角咖啡', '麦香烘焙', '知行书店']);
    // no logo: the initial on a colour of the merchant's own
    const badge = container.querySelector('.merchants__badge') as HTMLElement;
    expect(badge.textContent).toBe('街');
    expect(badge.style.background).toBeTruthy();
    expect(badgeColour('1')).toBe(badgeColour('1'));

    const cafe = within(container.querySelector('[data-merchant="街角咖啡"]') as HTMLElement);
    expect(cafe.getByText('满100减20 等（已有 1 张 · 可领 2 张）')).toBeTruthy();
    expect(cafe.getByText('银卡9.8折，买单自动优惠')).toBeTruthy();
    expect(cafe.getByText('每消费¥1得1积分')).toBeTruthy();
    expect(cafe.getByText('上海市黄浦区人民路 328 号')).toBeTruthy();
    expect(cafe.getByText('营业时间 07:30–21:00')).toBeTruthy();
    // open or closed now, from the opening and closing times a store gives
    expect(cafe.getByText(`营业时间 ${shanghaiIn(-1)}–${shanghaiIn(1)}`)).toBeTruthy();
    expect(cafe.getAllByText('营业中')).toHaveLength(1);
    const bakeryStore = within(container.querySelector('[data-merchant="麦香烘焙"]') as HTMLElement);
    expect(bakeryStore.getByText('已打烊')).toBeTruthy();
    expect(bakeryStore.getByText('营业时间 早八晚六')).toBeTruthy();
    fireEvent.click(cafe.getByText('去领券 ›'));
    expect(navigateTo).toHaveBeenCalledWith({ url: '/coupon/offers/index' });

    const bakery = within(container.querySelector('[data-merchant="麦香烘焙"]') as HTMLElement);
    expect(bakery.getByText('无门槛减5元（已有 1 张）')).toBeTruthy();
    expect(bakery.queryByText(/会员价/)).toBeNull();
    fireEvent.click(bakery.getByText('去看看 ›'));
    expect(navigateTo).toHaveBeenLastCalledWith({ url: '/coupon/mine/index' });
    const books = within(container.querySelector('[data-merchant="知行书店"]') as HTMLElement);
    expect(books.getByText('暂时没有这里能用的券')).toBeTruthy();
    // a store without coordinates has no map link, one without a phone no call button
    expect(books.queryByText('地图导航')).toBeNull();
    expect(bakery.queryByText(/^电话/)).toBeNull();

    // tap to call, without the dashes; the map link goes to 高德 with lng,lat and the store's name
    fireEvent.click(cafe.getByText('电话 021-63281186'));
    expect(makePhoneCall).toHaveBeenCalledWith({ phoneNumber: '02163281186' });
    const map = cafe.getAllByText('地图导航')[0] as HTMLAnchorElement;
    const url = new URL(map.getAttribute('href')!);
    expect(url.origin + url.pathname).toBe('https://uri.amap.com/marker');
    expect(url.searchParams.get('position')).toBe('121.488167,31.229546');
    expect(url.searchParams.get('name')).toBe('街角咖啡·人民路店');
    expect(map.getAttribute('target')).toBe('_blank');
    // distances only once the shopper allows it
    expect(container.querySelector('.merchants__distance')).toBeNull();
  });

  it('asks for the location behind the privacy sheet, then shows distances nearest first', async () => {
    mockServer({ 'GET /api/v1/merchants?with=benefits': { status: 200, body: merchants } });
    const geolocation = allowGeolocation('granted');
    const { container } = render(<MerchantsPage />);
    fireEvent.click(await screen.findByText('看看离我多远'));
    // the privacy sheet first, with why; nothing asked of the browser before the shopper agrees
    expect(await screen.findByText(/显示你与联盟门店的距离需要你的位置/)).toBeTruthy();
    expect(geolocation).not.toHaveBeenCalled();
    fireEvent.click(screen.getByText('同意并继续'));
    await screen.findByText('已按离你的距离排序');
    expect(geolocation).toHaveBeenCalledTimes(1);

    // 街角咖啡's 南京西路 store is nearest, then its 人民路 store; the bakery next; the bookshop (no
    // coordinates) last, without a distance
    expect(names(container, '.merchants__name')).toEqual(['街角咖啡', '麦香烘焙', '知行书店']);
    expect(names(container, '.merchants__store-name')).toEqual([
      '街角咖啡·南京西路店',
      '街角咖啡·人民路店',
      '麦香烘焙·中山路店',
      '知行书店·文化街店',
    ]);
    const distances = names(container, '.merchants__distance');
    expect(distances).toHaveLength(3);
    expect(distances[0]).toMatch(/^距你 \d{1,2}m$/);
    expect(distances[1]).toBe('距你 2.8km');
    expect(distances[2]).toBe('距你 3.4km');
  });

  it('sorts merchants by their nearest store', () => {
    const nearBund = { latitude: 31.2334, longitude: 121.4943 };
    const rows = arrange(merchants as never, nearBund);
    expect(rows.map((r) => r.merchant.name)).toEqual(['麦香烘焙', '街角咖啡', '知行书店']);
    expect(rows[1].stores.map((s) => s.store.name)).toEqual(['街角咖啡·人民路店', '街角咖啡·南京西路店']);
    expect(arrange(merchants as never, null).map((r) => r.merchant.name)).toEqual([
      '街角咖啡',
      '麦香烘焙',
      '知行书店',
    ]);
  });

  it('says so when the location is refused, keeps the list, and lets the shopper try again', async () => {
    mockServer({ 'GET /api/v1/merchants?with=benefits': { status: 200, body: merchants } });
    taroTest.storage.set('allycard.privacyAgreed', 'yes');
    const geolocation = allowGeolocation('denied');
    const { container } = render(<MerchantsPage />);
    fireEvent.click(await screen.findByText('看看离我多远'));
    expect(await screen.findByText('没有拿到你的位置，可以在设置里允许定位后再试')).toBeTruthy();
    expect(container.querySelector('.merchants__distance')).toBeNull();
    expect(names(container, '.merchants__name')).toEqual(['街角咖啡', '麦香烘焙', '知行书店']);
    allowGeolocation('granted');
    fireEvent.click(screen.getByText('重新定位'));
    await screen.findByText('已按离你的距离排序');
    expect(geolocation).toHaveBeenCalledTimes(1);
  });

  it('has an empty state', async () => {
    mockServer({ 'GET /api/v1/merchants?with=benefits': { status: 200, body: [] } });
    render(<MerchantsPage />);
    expect(await screen.findByText('联盟里还没有商户')).toBeTruthy();
    expect(screen.getByText('商户加入联盟后，你的会员卡就能在那里用了')).toBeTruthy();
  });

  it('shows the server’s message when loading fails, and retries', async () => {
    let fail = true;
    mockServer({
      'GET /api/v1/merchants?with=benefits': () =>
        fail
          ? apiError(503, 'SERVICE_UNAVAILABLE', '服务繁忙，请稍后再试')
          : { status: 200, body: merchants },
    });
    render(<MerchantsPage />);
    expect(await screen.findByText('联盟商户没打开')).toBeTruthy();
    expect(screen.getByText('服务繁忙，请稍后再试')).toBeTruthy();
    fail = false;
    fireEvent.click(screen.getByText('重试'));
    expect(await screen.findByText('街角咖啡')).toBeTruthy();
  });

  it('is one tap from the card', async () => {
    mockServer({
      'GET /api/v1/me': { status: 200, body: profile },
      'GET /api/v1/me/member-code': {
        status: 200,
        body: { code: '123400000000017', expiresAt: new Date(Date.now() + 60_000).toISOString() },
      },
      'GET /api/v1/merchants?with=benefits': { status: 200, body: merchants },
    });
    render(<CardPage />);
    fireEvent.click(await screen.findByText('联盟商户'));
    expect(navigateTo).toHaveBeenCalledWith({ url: '/alliance/merchants/index' });
  });
});

describe('联盟商户 on weapp', () => {
  // The weapp twins, loaded explicitly (jest prefers the .h5 files, like an h5 build): location and
  // the privacy check it goes through.
  let weapp: typeof import('../src/platform/location');
  const shared = { taro: taroModule, components: componentsModule, react: reactModule, jsx: jsxModule };
  jest.isolateModules(() => {
    // the same Taro mocks and React as the rest of the file
    jest.doMock('@tarojs/taro', () => shared.taro);
    jest.doMock('@tarojs/components', () => shared.components);
    jest.doMock('react', () => shared.react);
    jest.doMock('react/jsx-runtime', () => shared.jsx);
    jest.doMock('../src/platform/privacy', () => jest.requireActual('../src/platform/privacy.tsx'));
    weapp = jest.requireActual('../src/platform/location.tsx');
  });

  it('asks WeChat’s privacy check, then wx.getLocation in GCJ-02', async () => {
    getLocation.mockResolvedValue({ latitude: 31.23, longitude: 121.47, errMsg: 'getLocation:ok' });
    await expect(weapp.getShopperLocation()).resolves.toEqual({ latitude: 31.23, longitude: 121.47 });
    expect(requirePrivacyAuthorize).toHaveBeenCalled();
    expect(getLocation).toHaveBeenCalledWith({ type: 'gcj02' });
  });

  it('gives nothing when the shopper declines the privacy check or the location', async () => {
    requirePrivacyAuthorize.mockImplementation((o: { fail?: () => void }) => o.fail?.());
    await expect(weapp.getShopperLocation()).resolves.toBeNull();
    expect(getLocation).not.toHaveBeenCalled();
    requirePrivacyAuthorize.mockImplementation((o: { success?: () => void }) => o.success?.());
    getLocation.mockRejectedValue({ errMsg: 'getLocation:fail auth deny' });
    await expect(weapp.getShopperLocation()).resolves.toBeNull();
  });

  it('opens the store in WeChat’s map', () => {
    render(
      <weapp.StoreMapLink
        place={{ name: '街角咖啡·人民路店', address: '人民路 328 号', latitude: 31.2, longitude: 121.4 }}
      />,
    );
    fireEvent.click(screen.getByText('地图导航'));
    expect(openLocation).toHaveBeenCalledWith({
      latitude: 31.2,
      longitude: 121.4,
      name: '街角咖啡·人民路店',
      address: '人民路 328 号',
      scale: 17,
    });
  });
});
