/** The carriers the Kuaidi100 fake knows, and its phone rule for SF Express. */

/** Kuaidi100 carrier codes the sandbox knows (plus every carrier of the served shipments). */
export const KUAIDI100_SANDBOX_CARRIERS: Readonly<Record<string, string>> = Object.freeze({
	yuantong: '圆通速递',
	shunfeng: '顺丰速运',
	shunfengkuaiyun: '顺丰快运',
	zhongtong: '中通快递',
	shentong: '申通快递',
	yunda: '韵达快递',
	jd: '京东物流',
	ems: 'EMS',
	youzhengguonei: '邮政快递包裹',
	jtexpress: '极兔速递',
	debangwuliu: '德邦物流',
	usps: 'USPS',
	dhl: 'DHL-中国件',
	fedex: 'FedEx-国际件',
	ups: 'UPS',
});

/** Carriers for which Kuaidi100 requires the phone number. */
export const PHONE_CARRIERS = new Set(['shunfeng', 'shunfengkuaiyun']);

/** Kuaidi100 accepts the full number or its last 4 digits; for "area-number" landlines also the part after the dash. */
export function phoneMatches(expected: string, given: string): boolean {
	const g = given.replace(/\D/g, '');
	if (!g) return false;
	const full = expected.replace(/\D/g, '');
	const accepted = new Set([full, full.slice(-4)]);
	const dash = expected.indexOf('-');
	if (dash >= 0) accepted.add(expected.slice(dash + 1).replace(/\D/g, ''));
	return accepted.has(g);
}
