export default definePageConfig({
  navigationBarTitleText: '好友送你一张券',
});
