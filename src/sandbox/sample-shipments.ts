/**
 * Fixture data: the scripted shipments the sandbox serves unless told otherwise
 * (SandboxOptions.shipments), for the tests and the offline demo.
 */
import type { SandboxEvent, SandboxShipment } from './types';

/**
 * The reply of section 1.7 of the Kuaidi100 real-time query documentation
 * (YT7450353838751, yuantong), oldest first, field values untouched.
 */
const SEED_YUANTONG: SandboxEvent[] = [
		{ time: "2024-03-07 16:55:46", statusCode: "1", status: "Collected", context: "Your package has been picked up by [Jinshui'an, Jinan City, Shandong Province], recipient: Huo Shengquan (15650027611)", areaCode: "CN370105000000", areaName: "山东,济南市,天桥区", areaCenter: "116.987492,36.678016", location: "济南市,天桥区", areaPinYin: "tian qiao qu" },
		{ time: "2024-03-07 22:51:35", statusCode: "1002", status: "Trunk Line", context: "Your package has left Jinshui'an, Jinan City, Shandong Province and has been sent to Jinan Transfer Center", areaCode: "CN370105000000", areaName: "山东,济南市,天桥区", areaCenter: "116.987492,36.678016", location: "济南市,天桥区", areaPinYin: "tian qiao qu" },
		{ time: "2024-03-08 03:48:09", statusCode: "1002", status: "Trunk Line", context: "Your package has arrived at the Jinan Transfer Center", areaCode: "CN370112000000", areaName: "山东,济南市,历城区", areaCenter: "117.065237,36.680017", location: "济南市,历城区", areaPinYin: "li cheng qu" },
		{ time: "2024-03-08 03:50:46", statusCode: "1002", status: "Trunk Line", context: "Your package has left the Jinan Transfer Center and has been sent to the North China Transfer Center", areaCode: "CN370112000000", areaName: "山东,济南市,历城区", areaCenter: "117.065237,36.680017", location: "济南市,历城区", areaPinYin: "li cheng qu" },
		{ time: "2024-03-08 10:37:01", statusCode: "1002", status: "Trunk Line", context: "Your package has arrived at the North China Transfer Center", areaCode: "CN110105000000", areaName: "北京,北京,朝阳区", areaCenter: "116.601144,39.948574", location: "北京市,朝阳区", areaPinYin: "chao yang qu" },
		{ time: "2024-03-08 10:39:53", statusCode: "1002", status: "Trunk Line", context: "Your package has left the North China Transfer Center and has been sent to the Tianjin Transfer Center", areaCode: "CN120000000000", areaName: "天津", areaCenter: "117.200983,39.084158", location: "北京市,朝阳区", areaPinYin: "tian jin" },
		{ time: "2024-03-08 17:04:19", statusCode: "1002", status: "Trunk Line", context: "Your package has arrived at the Tianjin Transfer Center", areaCode: "CN120000000000", areaName: "天津", areaCenter: "117.200983,39.084158", location: "天津市,东丽区", areaPinYin: "tian jin" },
		{ time: "2024-03-08 17:35:48", statusCode: "1002", status: "Trunk Line", context: "Your package has left Tianjin Transfer Center and has been sent to Beichen District, Tianjin", areaCode: "CN120113000000", areaName: "天津,天津,北辰区", areaCenter: "117.139343,39.217817", location: "天津市,东丽区", areaPinYin: "bei chen qu" },
		{ time: "2024-03-09 07:22:05", statusCode: "0", status: "In Transit", context: "Your package has arrived at [Department 1, Beichen District, Tianjin]", areaCode: "CN120113000000", areaName: "天津,天津,北辰区", areaCenter: "117.139343,39.217817", location: "天津市,北辰区", areaPinYin: "bei chen qu" },
		{ time: "2024-03-09 07:23:55", statusCode: "5", status: "Dispatching", context: "Li Yanhang (18521184117) from Beichen District, Tianjin is currently delivering the package. Please be patient! If you have any questions, please contact the branch at 022-65673899 or the complaint hotline at 022-65673899. [95161 and 185211 Shanghai numbers are exclusive numbers for YTO agents, please rest assured to answer]", areaCode: "CN120113000000", areaName: "天津,天津,北辰区", areaCenter: "117.139343,39.217817", location: "天津市,北辰区", areaPinYin: "bei chen qu" },
		{ time: "2024-03-09 10:19:51", statusCode: "501", status: "Delivered to Locker or parcel station", context: "Your package has arrived at [Fengchao] (Fengchao cabinet at the entrance of Tianjin Tianduan Press Co., Ltd.) on Jinwei Road. Please pick up the package in a timely manner. If you have any questions, please contact the salesperson at 18521184117, the branch phone number is 022-65673899, and the complaint phone number is 022-65673899. Thank you for using YTO Express. Looking forward to serving you again!", areaCode: null, areaName: null, areaCenter: null, location: "天津市,北辰区", areaPinYin: null },
		{ time: "2024-03-09 10:47:53", statusCode: "304", status: "Signed from Locker or Station", context: "Your package has been signed for at the Fengchao cabinet in front of Tianjin Tianduan Press Co., Ltd. If you have any questions, please contact the salesperson at 18521184117, the branch phone number is 022-65673899, and the complaint phone number is 022-65673899. Thank you for using YTO Express. Looking forward to serving you again!", areaCode: null, areaName: null, areaCenter: null, location: "天津市,北辰区", areaPinYin: null },
];

function ev(
	time: string,
	statusCode: string,
	status: string,
	context: string,
	area?: { areaCode?: string | null; areaName?: string | null; areaCenter?: string | null; location?: string | null; areaPinYin?: string | null },
): SandboxEvent {
	return { time, statusCode, status, context, ...area };
}

const SHANGHAI = { areaCode: 'CN310000000000', areaName: '上海', areaCenter: '121.473701,31.230416', location: '上海市', areaPinYin: 'shang hai' };
const SHENZHEN = { areaCode: 'CN440300000000', areaName: '广东,深圳市', areaCenter: '114.057868,22.543099', location: '深圳市', areaPinYin: 'shen zhen shi' };
const BEIJING = { areaCode: 'CN110105000000', areaName: '北京,北京,朝阳区', areaCenter: '116.601144,39.948574', location: '北京市,朝阳区', areaPinYin: 'chao yang qu' };
const HANGZHOU = { areaCode: 'CN330100000000', areaName: '浙江,杭州市', areaCenter: '120.15507,30.274084', location: '杭州市', areaPinYin: 'hang zhou shi' };

/** Kuaidi100 shipments (query, map track, subscribe, autonumber). */
const KUAIDI100_SAMPLES: SandboxShipment[] = [
	{ provider: 'kuaidi100', carrier: 'yuantong', trackingNumber: 'YT7450353838751', timeline: SEED_YUANTONG },
	{
		// SF Express needs the phone: the full number or its last 4 digits (8000).
		provider: 'kuaidi100',
		carrier: 'shunfeng',
		trackingNumber: 'SF1403829177352',
		phone: '13801388000',
		timeline: [
			ev('2024-04-01 09:05:12', '101', 'Ordered', '顺丰速运 已下单，等待快递员上门收件', SHENZHEN),
			ev('2024-04-01 11:20:40', '102', 'Awaiting Collection', '快递员正在赶来收件的路上', SHENZHEN),
			ev('2024-04-01 14:02:33', '103', 'Collected', '顺丰速运 已收取快件', SHENZHEN),
			ev('2024-04-01 23:48:05', '1002', 'Trunk Line', '快件已发车，正在发往【北京顺义集散中心】', SHENZHEN),
			ev('2024-04-02 15:31:27', '1001', 'Arrived in Destination City', '快件到达【北京朝阳望京营业点】', BEIJING),
			ev('2024-04-03 08:12:09', '5', 'Dispatching', '快件交给张师傅，正在派送途中（联系电话：13500001111）', BEIJING),
			ev('2024-04-03 10:45:51', '301', 'Signed by Recipient', '快件已签收，签收人：本人', BEIJING),
		],
	},
	{
		// SF Freight with a landline: 075581234567, 81234567 or 4567 are accepted.
		provider: 'kuaidi100',
		carrier: 'shunfengkuaiyun',
		trackingNumber: 'SFKY8801234567',
		phone: '0755-81234567',
		timeline: [
			ev('2024-04-08 10:00:00', '1', 'Collected', '顺丰快运 已收取快件', SHENZHEN),
			ev('2024-04-08 22:15:00', '0', 'In Transit', '快件在【深圳转运中心】完成分拣，准备发往【杭州转运中心】', SHENZHEN),
			ev('2024-04-10 09:30:00', '204', 'Dispatch Exception', '派送不成功：收件地址有误，待与收件人确认', HANGZHOU),
			ev('2024-04-10 16:40:00', '302', 'Delivered after Dispatch Exception', '快件已签收（派送异常后重新派送）', HANGZHOU),
		],
	},
	{
		// International with customs.
		provider: 'kuaidi100',
		carrier: 'usps',
		trackingNumber: 'LZ123456789US',
		timeline: [
			ev('2024-05-01 21:10:00', '101', 'Ordered', 'Shipping Label Created, USPS Awaiting Item', { location: 'LOS ANGELES, CA 90052' }),
			ev('2024-05-02 06:45:00', '1', 'Collected', 'USPS in possession of item, LOS ANGELES, CA 90052', { location: 'LOS ANGELES, CA 90052' }),
			ev('2024-05-03 03:20:00', '1002', 'Trunk Line', 'Departed LOS ANGELES, CA INTERNATIONAL DISTRIBUTION CENTER'),
			ev('2024-05-06 14:05:00', '8', 'Customs Clearance', 'Arrived at the customs of destination', SHANGHAI),
			ev('2024-05-06 18:30:00', '10', 'Awaiting Customs Clearance', '进口待海关查验', SHANGHAI),
			ev('2024-05-07 09:12:00', '11', 'In Customs Clearance', '进口海关查验中', SHANGHAI),
			ev('2024-05-07 16:48:00', '12', 'Customs Cleared', '进口海关放行', SHANGHAI),
			ev('2024-05-08 11:30:00', '1001', 'Arrived in Destination City', '快件到达【上海浦东营业部】', SHANGHAI),
			ev('2024-05-09 08:02:00', '5', 'Dispatching', '邮政快递员正在派送', SHANGHAI),
			ev('2024-05-09 12:26:00', '3', 'Delivered', '已签收，投递员：王五', SHANGHAI),
		],
	},
	{
		// Problems, refusal, then returning (6) and returned (4).
		provider: 'kuaidi100',
		carrier: 'dhl',
		trackingNumber: '5566778899',
		timeline: [
			ev('2024-06-10 10:00:00', '1', 'Collected', 'Shipment picked up', { location: 'HONG KONG' }),
			ev('2024-06-10 21:30:00', '0', 'In Transit', 'Processed at HONG KONG - HONG KONG', { location: 'HONG KONG' }),
			ev('2024-06-11 09:10:00', '13', 'Customs Clearance Exception', 'Clearance delay - Import documents required', SHANGHAI),
			ev('2024-06-12 14:25:00', '2', 'Problem', 'Shipment on hold', SHANGHAI),
			ev('2024-06-13 08:00:00', '201', 'Timeout Undelivered', 'Delivery attempted; shipment not delivered for a long time', SHANGHAI),
			ev('2024-06-14 12:00:00', '203', 'Refused by Recipient', 'Recipient refused delivery, awaiting shipper instructions', SHANGHAI),
			ev('2024-06-14 15:40:00', '14', 'Refused', 'Delivery refused by the recipient', SHANGHAI),
			ev('2024-06-15 09:30:00', '6', 'Returning', 'Returned to shipper - in transit', SHANGHAI),
			ev('2024-06-20 16:10:00', '4', 'Returned', 'Returned shipment signed for by shipper', { location: 'HONG KONG' }),
		],
	},
	{
		// Ordered, then cancelled.
		provider: 'kuaidi100',
		carrier: 'zhongtong',
		trackingNumber: '78912345678901',
		timeline: [
			ev('2024-07-01 08:30:00', '101', 'Ordered', '商家已下单', HANGZHOU),
			ev('2024-07-01 09:00:00', '102', 'Awaiting Collection', '等待快递员揽收', HANGZHOU),
			ev('2024-07-01 17:45:00', '210', 'Cancelled by Sender', '寄件人申请撤销寄件', HANGZHOU),
			ev('2024-07-01 18:00:00', '401', 'Cancelled', '快件已销单', HANGZHOU),
		],
	},
	{
		// Every remaining exception, a redirect, a transfer, a null-laden event with a
		// line break, and an undocumented newest code '999'.
		provider: 'kuaidi100',
		carrier: 'yunda',
		trackingNumber: '4312345678901',
		timeline: [
			ev('2024-08-01 10:00:00', '1', 'Collected', '【杭州市】韵达快递 已揽收', HANGZHOU),
			ev('2024-08-01 20:00:00', '0', 'In Transit', '【杭州市】已发出\n下一站【上海分拨中心】', HANGZHOU),
			ev('2024-08-02 08:00:00', '7', 'Redirected', '快件已转交【中国邮政】继续派送', SHANGHAI),
			ev('2024-08-02 12:00:00', '1003', 'Redirected', '收件人要求改派至新地址', SHANGHAI),
			ev('2024-08-02 18:00:00', '0', 'null', '快件在途', { areaCode: null, areaName: 'null', areaCenter: 'null', location: null, areaPinYin: null }),
			ev('2024-08-03 08:00:00', '202', 'Timeout No Update', '快件长时间未更新', SHANGHAI),
			ev('2024-08-03 12:00:00', '205', 'Timeout in Locker or Station', '快件在驿站超时未取', SHANGHAI),
			ev('2024-08-03 13:00:00', '206', 'Unable to Contact', '无法联系收件人', SHANGHAI),
			ev('2024-08-03 14:00:00', '207', 'Out of Service Area', '收件地址超出派送范围', SHANGHAI),
			ev('2024-08-03 15:00:00', '208', 'Stagnant', '快件滞留', SHANGHAI),
			ev('2024-08-03 16:00:00', '209', 'Damaged', '快件外包装破损', SHANGHAI),
			ev('2024-08-04 09:00:00', '501', 'Delivered to Locker or parcel station', '快件已放入【菜鸟驿站】', SHANGHAI),
			ev('2024-08-04 19:00:00', '303', 'Signed by Proxy', '快件已由门卫代签收', SHANGHAI),
			ev('2024-08-05 09:00:00', '999', 'Custom Carrier Status', '承运商返回了未定义的状态', SHANGHAI),
		],
	},
	// No events yet: the query answers 500 whatever the step.
	{ provider: 'kuaidi100', carrier: 'jd', trackingNumber: 'JD0012345678901', timeline: [] },
];

/** KeyDelivery shipments (realtime, create tracking, detect). */
const KEYDELIVERY_SAMPLES: SandboxShipment[] = [
	{
		// The number of KeyDelivery's own create-tracking example; customs and a locker.
		provider: 'keydelivery',
		carrier: 'usps',
		trackingNumber: 'LY811679807CN',
		timeline: [
			ev('2024-05-01 09:12:00', '101', 'Ordered', 'Shipping label created, USPS awaiting item', { areaName: 'Toronto, Canada', location: 'Toronto, ON' }),
			ev('2024-05-01 18:40:00', '1', 'Collected', 'Accepted at origin facility', { areaName: 'Toronto, Canada', location: 'Toronto, ON' }),
			ev('2024-05-02 06:05:00', '1002', 'In transit', 'Departed origin facility, in transit to next facility', { areaName: 'Toronto, Canada', location: 'Toronto, ON' }),
			ev('2024-05-03 22:30:00', '10', 'Awaiting customs clearance', 'Arrived at customs, awaiting clearance', { areaName: 'Los Angeles, CA, United States', location: 'Los Angeles, CA' }),
			ev('2024-05-04 08:15:00', '11', 'In customs clearance', 'Customs clearance in progress', { areaName: 'Los Angeles, CA, United States', location: 'Los Angeles, CA' }),
			ev('2024-05-04 16:45:00', '12', 'Customs cleared', 'Released from customs', { areaName: 'Los Angeles, CA, United States', location: 'Los Angeles, CA' }),
			ev('2024-05-05 11:20:00', '1001', 'Arrived in destination city', 'Arrived at Los Angeles regional facility', { areaName: 'Los Angeles, CA, United States', location: 'Los Angeles, CA' }),
			ev('2024-05-06 07:02:00', '5', 'Out for delivery', 'Out for delivery', { areaName: 'Los Angeles, CA, United States', location: 'Los Angeles, CA' }),
			ev('2024-05-06 13:40:00', '501', 'Delivered to locker', 'Delivered to parcel locker', { areaName: 'Los Angeles, CA, United States', location: 'Los Angeles, CA' }),
			ev('2024-05-06 19:05:00', '304', 'Picked up from locker', 'Picked up from parcel locker by recipient', { areaName: 'Los Angeles, CA, United States', location: 'Los Angeles, CA' }),
		],
	},
	{
		// The number of KeyDelivery's PHP/Java example; customs exception, refusal, return.
		provider: 'keydelivery',
		carrier: 'dhl',
		trackingNumber: '9926933413',
		timeline: [
			ev('2024-06-10 10:00:00', '1', 'Accepted', 'Shipment picked up', { location: 'SHENZHEN - CHINA' }),
			ev('2024-06-10 21:30:00', '0', 'In transit', 'Processed at SHENZHEN - CHINA', { location: 'SHENZHEN - CHINA' }),
			ev('2024-06-11 09:10:00', '8', 'Customs clearance', 'Customs status updated', { location: 'CINCINNATI HUB - USA' }),
			ev('2024-06-12 14:25:00', '13', 'Customs exception', 'Clearance delay: documents required', { location: 'CINCINNATI HUB - USA' }),
			ev('2024-06-13 08:00:00', '2', 'Exception', 'Shipment on hold', { location: 'CINCINNATI HUB - USA' }),
			ev('2024-06-14 12:00:00', '14', 'Refused', 'Recipient refused delivery', { location: 'NEW YORK - USA' }),
			ev('2024-06-15 09:30:00', '6', 'Returning', 'Returning shipment to shipper', { location: 'NEW YORK - USA' }),
			ev('2024-06-20 16:10:00', '4', 'Returned', 'Returned to shipper and signed for', { location: 'SHENZHEN - CHINA' }),
		],
	},
	{
		provider: 'keydelivery',
		carrier: 'fedex',
		trackingNumber: '772345678901',
		timeline: [
			ev('2024-07-01 08:30:00', '101', 'Label created', 'Shipment information sent to FedEx', { location: 'MEMPHIS, TN' }),
			ev('2024-07-01 09:00:00', '102', 'Awaiting pickup', 'Awaiting pickup by FedEx', { location: 'MEMPHIS, TN' }),
			ev('2024-07-01 17:45:00', '210', 'Cancelled by sender', 'Shipper requested cancellation', { location: 'MEMPHIS, TN' }),
			ev('2024-07-01 18:00:00', '401', 'Cancelled', 'Shipment cancelled', { location: 'MEMPHIS, TN' }),
		],
	},
	{
		// Exceptions, a transfer and a redirect, a null-laden event, then an undocumented code.
		provider: 'keydelivery',
		carrier: 'ups',
		trackingNumber: '1Z999AA10123456784',
		timeline: [
			ev('2024-08-01 10:00:00', '103', 'Picked up', 'Picked up by UPS', { areaName: 'Louisville, KY, United States', location: 'Louisville, KY' }),
			ev('2024-08-01 20:00:00', '0', 'In transit', 'Departed from facility\r\nLouisville, KY', { areaName: 'Louisville, KY, United States', location: 'Louisville, KY' }),
			ev('2024-08-02 08:00:00', '7', 'Transferred', 'Transferred to the local post office for delivery', { location: 'Chicago, IL' }),
			ev('2024-08-02 12:00:00', '1003', 'Redirected', 'Delivery address changed at the request of the receiver', { location: 'Chicago, IL' }),
			ev('2024-08-02 18:00:00', '0', 'null', 'In transit', { areaName: null, location: 'null' }),
			ev('2024-08-03 08:00:00', '201', 'Delivery delayed', 'Not delivered for a long time', { location: 'Chicago, IL' }),
			ev('2024-08-03 12:00:00', '204', 'Delivery exception', 'Delivery exception: business closed', { location: 'Chicago, IL' }),
			ev('2024-08-03 13:00:00', '206', 'Receiver unreachable', 'The receiver could not be reached', { location: 'Chicago, IL' }),
			ev('2024-08-03 14:00:00', '209', 'Damaged', 'Package damaged', { location: 'Chicago, IL' }),
			ev('2024-08-04 09:00:00', '5', 'Out for delivery', 'Out for delivery', { location: 'Chicago, IL' }),
			ev('2024-08-04 19:00:00', '302', 'Delivered', 'Delivered after a delivery exception', { location: 'Chicago, IL' }),
			ev('2024-08-05 09:00:00', '999', 'Carrier status', 'Undocumented carrier status', { location: 'Chicago, IL' }),
		],
	},
	{
		// Delivered to the recipient with a plain 3 and a proxy signature before it.
		provider: 'keydelivery',
		carrier: 'dhl',
		trackingNumber: '4433221100',
		timeline: [
			ev('2024-09-01 09:00:00', '1', 'Accepted', 'Shipment picked up', { location: 'LEIPZIG - GERMANY' }),
			ev('2024-09-01 20:00:00', '1001', 'Arrived in destination city', 'Arrived at delivery facility in BERLIN - GERMANY', { location: 'BERLIN - GERMANY' }),
			ev('2024-09-02 08:00:00', '5', 'Out for delivery', 'With delivery courier', { location: 'BERLIN - GERMANY' }),
			ev('2024-09-02 11:00:00', '303', 'Signed by proxy', 'Delivered - signed for by a neighbour', { location: 'BERLIN - GERMANY' }),
			ev('2024-09-02 11:30:00', '3', 'Delivered', 'Delivered', { location: 'BERLIN - GERMANY' }),
		],
	},
	// No events yet: realtime answers 60101 whatever the step.
	{ provider: 'keydelivery', carrier: 'usps', trackingNumber: '9400111899223100000000', timeline: [] },
];

/**
 * Deterministic sample shipments for both services. Together they go through
 * every milestone of the tracking-event contract: info received, picked up, in
 * transit (0/1001/1002/1003/7), customs (8/10/11/12), out for delivery, locker,
 * delivered (3/301-304), exceptions (2, 201-210, 13, 14), returning then returned
 * (6 then 4), cancelled (401), an undocumented code ('999'), an event full of
 * null / "null" values with a line break, and a number with no events yet.
 * Returns a fresh copy on every call.
 */
export function sampleShipments(): SandboxShipment[] {
	return structuredClone([...KUAIDI100_SAMPLES, ...KEYDELIVERY_SAMPLES]);
}
