export default definePageConfig({
  navigationBarTitleText: '提货核销',
});
