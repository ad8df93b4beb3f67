export default defineAppConfig({
  // The card is the first page; a 小程序码 opens pages/join/index directly with its scene, and a
  // forwarded coupon opens pages/share/index (the path the server puts in every share).
  pages: ['pages/card/index', 'pages/me/index', 'pages/join/index', 'pages/share/index'],
  // Pages only some shoppers open stay out of the main package: coupons and 买单 (both preloaded
  // from the card, since most members go there), points and the mall, and the staff pages only clerks
  // download. 买单 lives under pages/pay so a merchant's QR code can open `pages/pay/index` later.
  subPackages: [
    { root: 'coupon', pages: ['offers/index', 'mine/index', 'detail/index'] },
    { root: 'points', pages: ['balance/index', 'mall/index', 'item/index', 'orders/index'] },
    { root: 'pages/pay', pages: ['index', 'result', 'orders'] },
    {
      root: 'staff',
      pages: ['login/index', 'verify/index', 'records/index', 'pickup/index', 'orders/index'],
    },
    { root: 'privacy', pages: ['policy/index', 'account/index'] },
    // 联盟商户: where the card works, opened from the card
    { root: 'alliance', pages: ['merchants/index'] },
    // 会员权益: the tier ladder, member day, birthday gift and tasks, opened from the card
    { root: 'benefits', pages: ['index/index'] },
    // 消息设置: which subscribe messages the shopper allows, from 我的
    { root: 'messages', pages: ['settings/index'] },
  ],
  // WeChat's privacy check: phone, location and subscribe-message APIs wait for the user's agreement
  // (wx.onNeedPrivacyAuthorization, answered by the privacy sheet: platform/privacy).
  __usePrivacyCheck__: true,
  // 联盟商户 shows how far each store is: wx.getLocation needs both declared
  requiredPrivateInfos: ['getLocation'],
  permission: { 'scope.userLocation': { desc: '用于显示你与联盟门店的距离' } },
  preloadRule: {
    'pages/card/index': { network: 'all', packages: ['coupon', 'pages/pay'] },
  },
  window: {
    backgroundTextStyle: 'light',
    backgroundColor: '#f5f6f8',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '联盟会员卡',
    navigationBarTextStyle: 'black',
  },
  tabBar: {
    color: '#6b7078',
    selectedColor: '#cf2e27',
    backgroundColor: '#ffffff',
    borderStyle: 'white',
    list: [
      // icons drawn by scripts/tab-icons.mjs
      {
        pagePath: 'pages/card/index',
        text: '会员卡',
        iconPath: 'assets/tabbar/card.png',
        selectedIconPath: 'assets/tabbar/card-active.png',
      },
      {
        pagePath: 'pages/me/index',
        text: '我的',
        iconPath: 'assets/tabbar/me.png',
        selectedIconPath: 'assets/tabbar/me-active.png',
      },
    ],
  },
});
