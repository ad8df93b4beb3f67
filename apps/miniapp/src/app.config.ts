export default defineAppConfig({
  // The card is the first page; a 小程序码 opens pages/join/index directly with its scene.
  pages: ['pages/card/index', 'pages/me/index', 'pages/join/index'],
  // Only clerks open these: a sub-package keeps them out of every shopper's download.
  subPackages: [{ root: 'staff', pages: ['login/index', 'verify/index'] }],
  window: {
    backgroundTextStyle: 'light',
    backgroundColor: '#f5f6f8',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '联盟会员卡',
    navigationBarTextStyle: 'black',
  },
  tabBar: {
    color: '#8a8f99',
    selectedColor: '#e8322b',
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
