/**
 * How the two services render a timeline: Kuaidi100 query results (resultv2,
 * order, lang), KeyDelivery realtime items (area_show), and the push bodies both
 * send to callback URLs. Pure functions, no I/O.
 */
import { sandboxMd5 } from './digest';
import type { SandboxEvent, SandboxShipment } from './types';

/** Advanced code -> basic code (the `state` values Kuaidi100 sends without resultv2=4). */
const BASIC_CODE: Record<string, string> = {
	'0': '0', '1001': '0', '1002': '0', '1003': '0',
	'1': '1', '101': '1', '102': '1', '103': '1',
	'5': '5', '501': '5',
	'3': '3', '301': '3', '302': '3', '303': '3', '304': '3',
	'6': '6',
	'4': '4', '401': '4',
	'7': '7',
	'2': '2', '201': '2', '202': '2', '203': '2', '204': '2', '205': '2', '206': '2', '207': '2', '208': '2', '209': '2', '210': '2',
	'8': '8', '10': '8', '11': '8', '12': '8', '13': '8',
	'14': '14',
};

/** Basic status names (resultv2=1), Chinese (default) and English (lang=en). */
const BASIC_NAME_ZH: Record<string, string> = {
	'0': '在途', '1': '揽收', '2': '疑难', '3': '签收', '4': '退签', '5': '派件', '6': '退回', '7': '转投', '8': '清关', '14': '拒签',
};
const BASIC_NAME_EN: Record<string, string> = {
	'0': 'In Transit', '1': 'Collected', '2': 'Problem', '3': 'Delivered', '4': 'Returned', '5': 'Dispatching',
	'6': 'Returning', '7': 'Redirected', '8': 'Customs Clearance', '14': 'Refused',
};

/** Advanced status names as Kuaidi100 sends them in Chinese (resultv2=4 without lang=en). */
const ADVANCED_NAME_ZH: Record<string, string> = {
	'0': '在途', '1001': '到达派件城市', '1002': '干线', '1003': '转递',
	'1': '揽收', '101': '已下单', '102': '待揽收', '103': '已揽收',
	'5': '派件', '501': '投柜或驿站',
	'3': '签收', '301': '本人签收', '302': '派件异常后签收', '303': '代签', '304': '投柜或站签收',
	'6': '退回', '4': '退签', '401': '已销单', '14': '拒签', '7': '转投',
	'2': '疑难', '201': '超时未签收', '202': '超时未更新', '203': '拒收(退件)', '204': '派件异常', '205': '柜或驿站超时未取',
	'206': '无法联系', '207': '超区', '208': '滞留', '209': '破损', '210': '销单',
	'8': '清关', '10': '待清关', '11': '清关中', '12': '已清关', '13': '清关异常',
};

export function basicStatusCode(code: string): string | undefined {
	return BASIC_CODE[code];
}

export function isDeliveredCode(code: string): boolean {
	return BASIC_CODE[code] === '3';
}

export interface Kuaidi100RenderOptions {
	/** '' / '0' (default), '1', '4', '8'; anything else renders like '0'. */
	resultv2?: string | number;
	/** 'desc' (default, newest first) or 'asc'. */
	order?: string;
	/** 'en' uses the timeline's own (English) status names; anything else Chinese names. */
	lang?: string;
	/** How many timeline events are visible (default all). */
	visible?: number;
	/** Clock for resultv2=8 remainTime. Default new Date(). */
	now?: Date;
	/** Added as `trailUrl` (map track). */
	trailUrl?: string;
}

function level(resultv2: string | number | undefined): 0 | 1 | 4 | 8 {
	const value = String(resultv2 ?? '').trim();
	if (value === '1') return 1;
	if (value === '4') return 4;
	if (value === '8') return 8;
	return 0;
}

function nullable(value: string | null | undefined): string | null {
	return value === undefined ? null : value;
}

/** 'YYYY-MM-DD HH:mm:ss' China time -> epoch ms. */
function chinaTimeToMs(time: string): number {
	const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(time);
	if (!match) return Number.NaN;
	const [, y, mo, d, h, mi, s] = match;
	return Date.UTC(+y, +mo - 1, +d, +h - 8, +mi, +s);
}

function chinaHour(ms: number): string {
	const t = new Date(ms + 8 * 3_600_000);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}`;
}

function duration(ms: number): string {
	const hours = Math.max(0, Math.floor(ms / 3_600_000));
	return `${Math.floor(hours / 24)}天${hours % 24}小时`;
}

function statusName(event: SandboxEvent, lvl: 1 | 4 | 8, lang: string | undefined): string {
	if (lvl === 1) {
		const basic = BASIC_CODE[event.statusCode];
		if (basic === undefined) return event.status;
		return (lang === 'en' ? BASIC_NAME_EN : BASIC_NAME_ZH)[basic];
	}
	if (lang === 'en') return event.status;
	return ADVANCED_NAME_ZH[event.statusCode] ?? event.status;
}

function renderKuaidi100Event(event: SandboxEvent, lvl: 0 | 1 | 4 | 8, lang: string | undefined): Record<string, unknown> {
	const out: Record<string, unknown> = { time: event.time, context: event.context, ftime: event.time };
	if (lvl === 0) return out;
	out.areaCode = nullable(event.areaCode);
	out.areaName = nullable(event.areaName);
	out.status = statusName(event, lvl, lang);
	if (lvl === 1) return out;
	out.location = nullable(event.location);
	out.areaCenter = nullable(event.areaCenter);
	out.areaPinYin = nullable(event.areaPinYin);
	out.statusCode = event.statusCode;
	return out;
}

function routePoint(event: SandboxEvent | undefined): { number: string; name: string | null } | null {
	if (!event || !event.areaCode || event.areaCode === 'null') return null;
	return { number: event.areaCode, name: nullable(event.areaName) };
}

/**
 * A Kuaidi100 query result (also a push's `lastResult`) for the visible part of a
 * timeline, shaped like section 1.7 of the query documentation. The visible part
 * must not be empty (the service answers 500 then).
 */
export function renderKuaidi100Result(shipment: SandboxShipment, options: Kuaidi100RenderOptions = {}): Record<string, unknown> {
	const visible = shipment.timeline.slice(0, options.visible ?? shipment.timeline.length);
	const lvl = level(options.resultv2);
	const newest = visible[visible.length - 1];
	const newestCode = newest?.statusCode ?? '';
	const ordered = options.order === 'asc' ? visible : [...visible].reverse();
	const withArea = (events: SandboxEvent[]) => events.filter((event) => routePoint(event) !== null);
	const result: Record<string, unknown> = {
		message: 'ok',
		nu: shipment.trackingNumber,
		ischeck: isDeliveredCode(newestCode) ? '1' : '0',
		com: shipment.carrier,
		status: '200',
		data: ordered.map((event) => renderKuaidi100Event(event, lvl, options.lang)),
		state: lvl >= 4 ? newestCode : (BASIC_CODE[newestCode] ?? newestCode),
		condition: 'F00',
		routeInfo:
			lvl >= 4
				? {
						from: routePoint(withArea(visible)[0]),
						cur: routePoint(withArea(visible).pop()),
						to: routePoint(withArea(shipment.timeline).pop()),
					}
				: { from: null, cur: null, to: null },
		isLoop: false,
	};
	if (lvl === 8) {
		const first = chinaTimeToMs(visible[0]?.time ?? '');
		const last = chinaTimeToMs(newest?.time ?? '');
		if (isDeliveredCode(newestCode)) {
			result.arrivalTime = chinaHour(last);
			result.totalTime = duration(last - first);
			result.remainTime = null;
		} else {
			const arrival = first + 72 * 3_600_000;
			result.arrivalTime = chinaHour(arrival);
			result.totalTime = duration(arrival - first);
			result.remainTime = duration(arrival - (options.now ?? new Date()).getTime());
		}
	}
	if (options.trailUrl !== undefined) result.trailUrl = options.trailUrl;
	return result;
}

export interface KeyDeliveryRenderOptions {
	/** 1/true: items carry order_status_code, order_status_description, area_name, location. */
	areaShow?: boolean | number;
	/** 'desc' (default) or 'asc'. */
	order?: string;
}

/** KeyDelivery writes missing values as the string "null" (as its examples show); explicit nulls stay null. */
function kdValue(value: string | null | undefined): string | null {
	return value === undefined ? 'null' : value;
}

/** KeyDelivery's shipment-level order_status_code is a number in its examples. */
export function keyDeliveryCode(code: string | undefined): number | string | null {
	if (code === undefined || code === '') return null;
	return /^\d+$/.test(code) ? Number(code) : code;
}

/** KeyDelivery `items[]` from events given oldest first. */
export function renderKeyDeliveryItems(events: SandboxEvent[], options: KeyDeliveryRenderOptions = {}): Array<Record<string, unknown>> {
	const areaShow = options.areaShow === true || Number(options.areaShow) === 1;
	const ordered = options.order === 'asc' ? events : [...events].reverse();
	return ordered.map((event) =>
		areaShow
			? {
					context: event.context,
					time: event.time,
					order_status_code: event.statusCode,
					order_status_description: event.status,
					area_name: kdValue(event.areaName),
					location: kdValue(event.location),
				}
			: { context: event.context, time: event.time, area_name: 'null', location: 'null' },
	);
}

/** The `data` of a KeyDelivery realtime reply. */
export function renderKeyDeliveryRealtime(
	shipment: SandboxShipment,
	options: KeyDeliveryRenderOptions & { visible?: number; carrierId?: string } = {},
): Record<string, unknown> {
	const visible = shipment.timeline.slice(0, options.visible ?? shipment.timeline.length);
	return {
		carrier_id: options.carrierId ?? shipment.carrier,
		tracking_number: shipment.trackingNumber,
		order_status_code: keyDeliveryCode(visible[visible.length - 1]?.statusCode),
		items: renderKeyDeliveryItems(visible, options),
	};
}

export interface Kuaidi100PushInput {
	/** A query-shaped result (renderKuaidi100Result gives one). */
	lastResult: unknown;
	/** polling | shutdown | abort | updateall */
	status: string;
	/** When given, the push carries sign = MD5(param + salt), upper-case hex. */
	salt?: string;
	message?: string;
	billstatus?: string;
	autoCheck?: string;
	comOld?: string;
	comNew?: string;
	destResult?: unknown;
}

export interface BuiltPush {
	/** The request body, exactly as the service sends it. */
	body: string;
	contentType: string;
}

/**
 * A Kuaidi100 push exactly as Kuaidi100 POSTs it to a callback URL:
 * form-encoded `param` (JSON) and, when a salt was given at subscribe time,
 * `sign` = upper-case hex MD5(param + salt) over the raw param text.
 */
export function buildKuaidi100Push(input: Kuaidi100PushInput): BuiltPush & { param: string; sign?: string } {
	const payload: Record<string, unknown> = { status: input.status };
	if (input.billstatus !== undefined) payload.billstatus = input.billstatus;
	payload.message = input.message ?? '';
	payload.autoCheck = input.autoCheck ?? '0';
	payload.comOld = input.comOld ?? '';
	payload.comNew = input.comNew ?? '';
	payload.lastResult = input.lastResult;
	if (input.destResult !== undefined) payload.destResult = input.destResult;
	const param = JSON.stringify(payload);
	const form = new URLSearchParams({ param });
	let sign: string | undefined;
	if (input.salt !== undefined && input.salt !== '') {
		sign = sandboxMd5(param, input.salt);
		form.set('sign', sign);
	}
	return { body: form.toString(), contentType: 'application/x-www-form-urlencoded', param, sign };
}

export interface KeyDeliveryWebhookInput {
	carrier_id: string;
	tracking_number: string;
	/** Items as the service sends them; or give `events` (oldest first) to render them. */
	items?: Array<Record<string, unknown>>;
	events?: SandboxEvent[];
	/** Used with `events`; default true. */
	areaShow?: boolean;
	/** Used with `events`; default 'desc'. */
	order?: 'asc' | 'desc';
	/** Default: the English status name of the newest event (e.g. 'Delivered'). */
	event?: string;
	/** Default 'Success'. Expiry notices say e.g. 'No tracking information for 3 days'. */
	message?: string;
	/** Default 1 when the newest event is a delivery, else 0. */
	signer?: string | number;
	/** Default the newest event's code (as a number). */
	order_status_code?: string | number | null;
}

/** A KeyDelivery webhook body (POST, application/json, no signature header). */
export function buildKeyDeliveryWebhook(input: KeyDeliveryWebhookInput): BuiltPush & { payload: Record<string, unknown> } {
	const events = input.events ?? [];
	const newest = events[events.length - 1];
	const items = input.items ?? renderKeyDeliveryItems(events, { areaShow: input.areaShow ?? true, order: input.order });
	const basic = newest ? BASIC_CODE[newest.statusCode] : undefined;
	const payload: Record<string, unknown> = {
		event: input.event ?? (newest ? (basic !== undefined ? BASIC_NAME_EN[basic] : newest.status) : 'No information'),
		message: input.message ?? 'Success',
		carrier_id: input.carrier_id,
		tracking_number: input.tracking_number,
		signer: input.signer ?? (newest && isDeliveredCode(newest.statusCode) ? 1 : 0),
		order_status_code: input.order_status_code !== undefined ? input.order_status_code : keyDeliveryCode(newest?.statusCode),
		items,
	};
	return { body: JSON.stringify(payload), contentType: 'application/json', payload };
}
