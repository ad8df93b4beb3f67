/** Why 联盟商户 asks for the shopper's location: the privacy sheet shows it on both platforms. */
export const LOCATION_REASON = '显示你与联盟门店的距离需要你的位置，位置只在本机用来计算距离，不会保存';
