/**
 * How Kuaidi100 renders a timeline: query and map-track results (resultv2, order,
 * lang, show). Pure functions, no I/O.
 */
import type { Reply } from '../http/reply';
import { BASIC_NAME_EN, basicStatusCode, isDeliveredCode } from '../status-codes';
import type { SandboxEvent, SandboxShipment } from '../types';

/** Chinese basic status names (resultv2=1 without lang=en). */
const BASIC_NAME_ZH: Record<string, string> = {
	'0': '在途', '1': '揽收', '2': '疑难', '3': '签收', '4': '退签', '5': '派件', '6': '退回', '7': '转投', '8': '清关', '14': '拒签',
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
		const basic = basicStatusCode(event.statusCode);
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

/** routeInfo (resultv2=4 and up): where the visible part started, where it is, where the whole timeline ends. */
function routeInfo(shipment: SandboxShipment, visible: SandboxEvent[]): Record<string, unknown> {
	const withArea = (events: SandboxEvent[]) => events.filter((event) => routePoint(event) !== null);
	return {
		from: routePoint(withArea(visible)[0]),
		cur: routePoint(withArea(visible).pop()),
		to: routePoint(withArea(shipment.timeline).pop()),
	};
}

/** The resultv2=8 estimate: arrival 72 hours after the first event unless delivered. */
function arrivalEstimate(visible: SandboxEvent[], now: Date): Record<string, string | null> {
	const first = chinaTimeToMs(visible[0]?.time ?? '');
	const newest = visible[visible.length - 1];
	const last = chinaTimeToMs(newest?.time ?? '');
	if (isDeliveredCode(newest?.statusCode ?? '')) {
		return { arrivalTime: chinaHour(last), totalTime: duration(last - first), remainTime: null };
	}
	const arrival = first + 72 * 3_600_000;
	return { arrivalTime: chinaHour(arrival), totalTime: duration(arrival - first), remainTime: duration(arrival - now.getTime()) };
}

/**
 * A Kuaidi100 query result (also a push's `lastResult`) for the visible part of a
 * timeline, shaped like section 1.7 of the query documentation. The visible part
 * must not be empty (the service answers 500 then).
 */
export function renderKuaidi100Result(shipment: SandboxShipment, options: Kuaidi100RenderOptions = {}): Record<string, unknown> {
	const visible = shipment.timeline.slice(0, options.visible ?? shipment.timeline.length);
	const lvl = level(options.resultv2);
	const newestCode = visible[visible.length - 1]?.statusCode ?? '';
	const ordered = options.order === 'asc' ? visible : [...visible].reverse();
	const result: Record<string, unknown> = {
		message: 'ok',
		nu: shipment.trackingNumber,
		ischeck: isDeliveredCode(newestCode) ? '1' : '0',
		com: shipment.carrier,
		status: '200',
		data: ordered.map((event) => renderKuaidi100Event(event, lvl, options.lang)),
		state: lvl >= 4 ? newestCode : (basicStatusCode(newestCode) ?? newestCode),
		condition: 'F00',
		routeInfo: lvl >= 4 ? routeInfo(shipment, visible) : { from: null, cur: null, to: null },
		isLoop: false,
	};
	if (lvl === 8) Object.assign(result, arrivalEstimate(visible, options.now ?? new Date()));
	if (options.trailUrl !== undefined) result.trailUrl = options.trailUrl;
	return result;
}

function escapeMarkup(value: unknown): string {
	return String(value ?? '').replace(/[<&>]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] ?? c);
}

/** A crude rendering for show=1 (XML), 2 (HTML) and 3 (text): what a JSON consumer must not ask for. */
export function renderNonJson(result: Record<string, unknown>, show: string): Reply {
	const data = Array.isArray(result.data) ? (result.data as Array<Record<string, unknown>>) : [];
	if (show === '1') {
		const items = data.map((item) => `<data>${Object.entries(item).map(([k, v]) => `<${k}>${escapeMarkup(v)}</${k}>`).join('')}</data>`);
		return {
			status: 200,
			body: `<?xml version="1.0" encoding="UTF-8"?><xml><message>ok</message><status>200</status><state>${escapeMarkup(result.state)}</state>${items.join('')}</xml>`,
			contentType: 'text/xml;charset=UTF-8',
		};
	}
	if (show === '2') {
		const rows = data.map((item) => `<tr><td>${escapeMarkup(item.time)}</td><td>${escapeMarkup(item.context)}</td></tr>`);
		return { status: 200, body: `<table>${rows.join('')}</table>`, contentType: 'text/html;charset=UTF-8' };
	}
	return { status: 200, body: data.map((item) => `${item.time} ${item.context}`).join('\n'), contentType: 'text/plain;charset=UTF-8' };
}
