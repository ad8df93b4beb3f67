export default definePageConfig({
  navigationBarTitleText: '券详情',
  // weapp: 转赠 goes through WeChat's share sheet (platform/share.tsx)
  enableShareAppMessage: true,
});
