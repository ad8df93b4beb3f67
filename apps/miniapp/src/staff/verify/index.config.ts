export default definePageConfig({
  navigationBarTitleText: '验卡',
});
