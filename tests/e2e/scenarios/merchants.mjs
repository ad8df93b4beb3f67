// 联盟商户 (issue 14 item 10) on the demo alliance: a new shopper opens it from the card, sees the
// three demo merchants with what the card gives there and every store's address, hours and phone,
// allows the location (the browser's geolocation, after the privacy sheet), and sees the stores
// nearest first with their distances and a 高德 map link.
import {
  agreeAndJoin,
  arrived,
  assert,
  createApi,
  PHONE,
  screenshotter,
  settle,
  shown,
  startServer,
} from '../lib.mjs';

export const name = 'merchants';

// A GPS (WGS-84) fix on 南京西路, a few metres from the demo 街角咖啡·南京西路店 (its GCJ-02
// coordinates are 31.229912, 121.458046; GPS reads about 0.0019° north and 0.0045° west of 高德).
const NEAR_NANJING_XI_LU = { latitude: 31.231832, longitude: 121.453536 };
const POLICY = {
  terms: { title: '用户协议', body: '端到端测试的用户协议。' },
  privacy: { title: '隐私政策', body: '我们只在你允许时读取位置，用来显示与门店的距离，不会保存。' },
};

/** "距你 2.8km" / "距你 35m" → metres (to the shown precision). */
function metres(text) {
  const m = /距你 ([\d.]+)(k?m)/.exec(text);
  assert(m, `a distance: ${text}`);
  return Number(m[1]) * (m[2] === 'km' ? 1000 : 1);
}

export async function run({ browser }) {
  // The runner's server starts empty; this journey is about the demo alliance's merchants and stores.
  const server = await startServer({ env: { SEED_DEMO: 'true' } });
  const api = createApi(server.baseUrl);
  await api.request('PUT', '/admin/privacy-policy', { token: await api.asAdmin(), body: POLICY });
  const context = await browser.newContext({
    ...PHONE,
    geolocation: NEAR_NANJING_XI_LU,
    permissions: ['geolocation'],
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  const screenshot = screenshotter(page, name);
  try {
    await page.goto(`${server.baseUrl}/#/pages/join/index?scene=demo-coffee`);
    await agreeAndJoin(page);
    const entry = shown(page, '.card__entry', { hasText: '联盟商户' });
    await entry.waitFor();
    await entry.scrollIntoViewIfNeeded();
    await screenshot('1-card');
    await entry.tap();

    // Every demo merchant, with what the card gives there, and every store's details.
    const merchants = arrived(page, '.merchants__merchant');
    await merchants.first().waitFor();
    const names = await shown(page, '.merchants__name').allInnerTexts();
    assert(
      JSON.stringify(names) === JSON.stringify(['街角咖啡', '麦香烘焙', '知行书店']),
      `the three demo merchants in the alliance's order: ${names}`,
    );
    const cafe = shown(page, '.merchants__merchant', { hasText: '街角咖啡' });
    const cafeText = await cafe.innerText();
    for (const text of [
      '街角咖啡·人民路店',
      '上海市黄浦区人民路 328 号',
      '营业时间 07:30–21:00',
      '电话 021-63281186',
      '街角咖啡·南京西路店',
      '每消费¥1得1积分',
    ])
      assert(cafeText.includes(text), `街角咖啡 shows 「${text}」: ${cafeText}`);
    // the card's coupons there: the new member holds the first-order gift, and 领券中心 has more
    assert(/已有 \d+ 张/.test(cafeText) && /可领 \d+ 张/.test(cafeText), `coupons at 街角咖啡: ${cafeText}`);
    const books = await shown(page, '.merchants__merchant', { hasText: '知行书店' }).innerText();
    assert(books.includes('上海市黄浦区福州路 401 号'), `知行书店's address: ${books}`);
    assert(books.includes('周一至周四 09:30–21:00'), `知行书店's hours as written: ${books}`);
    assert(
      (await shown(page, '.merchants__distance').count()) === 0,
      'no distance before the shopper allows it',
    );
    assert(
      (await shown(page, '.merchants__badge').count()) === 3,
      'an initial badge for each merchant without a logo',
    );
    await screenshot('2-list');

    // The location, after the privacy sheet says why.
    await shown(page, '.merchants__locate-button').tap();
    const sheet = shown(page, '.privacy-sheet', { hasText: '显示你与联盟门店的距离' });
    await sheet.waitFor();
    await screenshot('3-privacy');
    await sheet.getByText('同意并继续').tap();
    await shown(page, '.merchants__locate-text', { hasText: '已按离你的距离排序' }).waitFor();
    await settle(page);

    const stores = await shown(page, '.merchants__store-name').allInnerTexts();
    assert(stores[0] === '街角咖啡·南京西路店', `the nearest store first: ${stores}`);
    assert(stores[1] === '街角咖啡·人民路店', `then the same merchant's other store: ${stores}`);
    assert(stores.length === 4, `all four demo stores: ${stores}`);
    const distances = (await shown(page, '.merchants__distance').allInnerTexts()).map(metres);
    assert(distances.length === 4, `a distance for every store: ${distances}`);
    assert(distances[0] < 100, `a few metres to 南京西路店: ${distances[0]}`);
    // merchants by their nearest store, each merchant's stores nearest first: the first store of each
    // merchant is ascending, and within 街角咖啡 too
    const firsts = [distances[0], distances[2], distances[3]];
    assert(
      firsts.every((d, i) => i === 0 || d >= firsts[i - 1]) && distances[1] >= distances[0],
      `sorted by distance: ${distances}`,
    );
    // 人民路 is about 2.9 km east of 南京西路 as the crow flies
    assert(distances[1] > 2500 && distances[1] < 3300, `人民路店 about 2.9 km away: ${distances[1]}`);

    // The map link: 高德's marker page at the store's GCJ-02 coordinates, longitude first.
    const map = shown(page, 'a.merchants__action', { hasText: '地图导航' }).first();
    const href = await map.getAttribute('href');
    assert(
      href?.startsWith('https://uri.amap.com/marker?position=121.458046,31.229912&name='),
      `the map link of 南京西路店: ${href}`,
    );
    assert(
      decodeURIComponent(new URL(href).searchParams.get('name')) === '街角咖啡·南京西路店',
      `the map link names the store: ${href}`,
    );
    await screenshot('4-nearest');
    assert(!problems.length, `no browser errors: ${problems.join('; ')}`);
  } finally {
    await context.close().catch(() => {});
    await server.stop();
  }
}
