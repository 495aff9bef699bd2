/**
 * Local stand-ins for Kuaidi100 and KeyDelivery: real HTTP servers on 127.0.0.1
 * (random ports) that enforce the wire formats of docs/providers.md the
 * way the services do, serve deterministic scripted timelines, and can be told to
 * fail. Used by the node tests, the exporter tests and the offline demo.
 *
 * Choices where the services' behaviour is not documented (all deterministic):
 * - Kuaidi100 query/maptrack: a method other than POST, or a body that is not
 *   application/x-www-form-urlencoded, answers returnCode 400 (the documentation's
 *   400 row: "check the submitted format is POST with x-www-form-urlencoded"); no
 *   param 400; a missing customer or sign 503.
 * - Lockout: after a successful query (returnCode 200 reply) of a com+num, the same
 *   com+num asked again (query or map track) within `lockoutMinutes` (30) of the
 *   sandbox clock answers `lockoutReply`, by default
 *   {"result":false,"returnCode":"400","message":DEFAULT_LOCKOUT_MESSAGE} (400: not
 *   retryable, as retrying a locked number only makes it worse). Refused attempts
 *   do not extend the lock.
 * - Autonumber: a missing or wrong key answers {"result":false,"returnCode":"600",
 *   "message":"您不是合法的用户（即授权Key出错）"}, an expired key 601, a missing num 400.
 * - KeyDelivery: every envelope error is HTTP 200. Missing/wrong Content-Type,
 *   missing API-Key or missing signature header: 102; unknown API key: 404;
 *   unparsable body: 103; wrong signature: 104; then blocked 106, quota 401.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sandboxMd5 } from './digest';
import {
	basicStatusCode,
	buildKeyDeliveryWebhook,
	buildKuaidi100Push,
	renderKeyDeliveryItems,
	renderKeyDeliveryRealtime,
	renderKuaidi100Result,
} from './render';
import { sampleShipments } from './shipments';
import {
	SANDBOX_KEYDELIVERY,
	SANDBOX_KUAIDI100,
	type RecordedRequest,
	type Sandbox,
	type SandboxAccountState,
	type SandboxEvent,
	type SandboxFault,
	type SandboxOptions,
	type SandboxProvider,
	type SandboxPushOptions,
	type SandboxPushResult,
	type SandboxShipment,
	type SandboxSubscription,
} from './types';

export const DEFAULT_LOCKOUT_MESSAGE = '该单号查询过于频繁，已被锁定，请30分钟后再查 (locked: same number queried within 30 minutes)';

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

/** KeyDelivery carrier ids the sandbox knows (plus every carrier of the served shipments); case-insensitive. */
export const KEYDELIVERY_SANDBOX_CARRIERS: Readonly<Record<string, string>> = Object.freeze({
	usps: 'USPS',
	dhl: 'DHL Express',
	fedex: 'FedEx',
	ups: 'UPS',
	tnt: 'TNT',
	aramex: 'Aramex',
	dpd: 'DPD',
	'royal-mail': 'Royal Mail',
	'canada-post': 'Canada Post',
	'australia-post': 'Australia Post',
	'china-post': 'China Post',
	'china-ems': 'China EMS',
	yanwen: 'Yanwen',
	'4px': '4PX',
});

/** Carriers for which Kuaidi100 requires the phone number. */
const PHONE_CARRIERS = new Set(['shunfeng', 'shunfengkuaiyun']);

const KUAIDI100_QUERY_MESSAGES: Record<string, string> = {
	'200': 'ok',
	'400': '找不到对应公司',
	'408': '快递公司参数异常：验证码错误',
	'500': '查询无结果，请隔段时间再查',
	'501': '服务器错误',
	'502': '服务器繁忙',
	'503': '验证签名失败',
	'601': 'key已过期',
};

const KUAIDI100_SUBSCRIBE_MESSAGES: Record<string, string> = {
	'200': '提交成功',
	'500': '服务器错误',
	'501': '重复订阅',
	'600': '您不是合法的订阅者（即授权Key出错）',
	'601': 'POLL:KEY已过期',
	'700': '订阅方的订阅数据存在错误（如不支持的快递公司、单号为空、单号超长等）或错误的回调地址',
	'701': '拒绝订阅的快递公司',
	'702': 'POLL:识别不到该单号对应的快递公司',
};

const KEYDELIVERY_MESSAGES: Record<string, string> = {
	'101': 'Request method GET/POST not supported',
	'102': 'Header error',
	'103': 'Invalid JSON data',
	'104': 'Invalid signature',
	'105': 'Parameter error',
	'106': 'The request is understood, but it has been refused, or access is not allowed.',
	'401': 'Unauthorized',
	'404': 'Invalid API key.',
	'405': 'The carrier_id is invalid',
	'406': 'Cannot detect the carrier',
	'500': 'Internal Server Error',
	'60101': 'No result found',
	'60201': 'Tracking already exists.',
};

interface Reply {
	status: number;
	body: string;
	contentType: string;
}

const JSON_K100 = 'application/json;charset=UTF-8';
const JSON_KD = 'application/json';

function json(body: unknown, contentType = JSON_K100, status = 200): Reply {
	return { status, body: JSON.stringify(body), contentType };
}

function k100Error(code: string, message?: string, table = KUAIDI100_QUERY_MESSAGES): Reply {
	return json({ result: false, returnCode: code, message: message ?? table[code] ?? '服务器错误' });
}

function kdError(code: number, message?: string): Reply {
	return json({ code, message: message ?? KEYDELIVERY_MESSAGES[String(code)] ?? 'Error' }, JSON_KD);
}

const KUAIDI100_PATHS = ['/poll/query.do', '/poll/maptrack.do', '/poll'];
const KEYDELIVERY_PATHS = ['/api/v1/tracking/create', '/api/v1/tracking/realtime', '/api/v1/carriers/detect'];

/** A known endpoint at a wrong place (a base URL that is not the service root): 404, as the services answer. */
function misplaced(path: string, known: string[]): boolean {
	const last = (text: string) => text.slice(text.lastIndexOf('/'));
	return known.some((endpoint) => path !== endpoint && last(path) === last(endpoint));
}

function notFound(): Reply {
	return { status: 404, body: '<html><body><h1>404 Not Found</h1></body></html>', contentType: 'text/html' };
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
	try {
		const value: unknown = JSON.parse(text);
		return isRecord(value) ? value : undefined;
	} catch {
		return undefined;
	}
}

function str(value: unknown): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return '';
}

function isHttpUrl(value: string): boolean {
	try {
		const url = new URL(value);
		return url.protocol === 'http:' || url.protocol === 'https:';
	} catch {
		return false;
	}
}

function mediaType(headers: IncomingMessage['headers']): string {
	return String(headers['content-type'] ?? '')
		.split(';')[0]
		.trim()
		.toLowerCase();
}

/** Kuaidi100 accepts the full number or its last 4 digits; for "area-number" landlines also the part after the dash. */
function phoneMatches(expected: string, given: string): boolean {
	const g = given.replace(/\D/g, '');
	if (!g) return false;
	const full = expected.replace(/\D/g, '');
	const accepted = new Set([full, full.slice(-4)]);
	const dash = expected.indexOf('-');
	if (dash >= 0) accepted.add(expected.slice(dash + 1).replace(/\D/g, ''));
	return accepted.has(g);
}

/** A crude rendering for show=1 (XML), 2 (HTML) and 3 (text): what a JSON consumer must not ask for. */
function renderNonJson(result: Record<string, unknown>, show: string): Reply {
	const data = Array.isArray(result.data) ? (result.data as Array<Record<string, unknown>>) : [];
	const escape = (value: unknown) => String(value ?? '').replace(/[<&>]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] ?? c);
	if (show === '1') {
		const items = data.map((item) => `<data>${Object.entries(item).map(([k, v]) => `<${k}>${escape(v)}</${k}>`).join('')}</data>`);
		return {
			status: 200,
			body: `<?xml version="1.0" encoding="UTF-8"?><xml><message>ok</message><status>200</status><state>${escape(result.state)}</state>${items.join('')}</xml>`,
			contentType: 'text/xml;charset=UTF-8',
		};
	}
	if (show === '2') {
		const rows = data.map((item) => `<tr><td>${escape(item.time)}</td><td>${escape(item.context)}</td></tr>`);
		return { status: 200, body: `<table>${rows.join('')}</table>`, contentType: 'text/html;charset=UTF-8' };
	}
	return { status: 200, body: data.map((item) => `${item.time} ${item.context}`).join('\n'), contentType: 'text/plain;charset=UTF-8' };
}

interface QueuedFault extends SandboxFault {
	remaining: number;
}

interface Pending {
	timer: NodeJS.Timeout;
	resolve: () => void;
}

type ServerKind = 'kuaidi100' | 'autonumber' | 'keydelivery';

/** Starts the three servers (Kuaidi100 poll, Kuaidi100 autonumber, KeyDelivery) on random ports of 127.0.0.1. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const shipments: SandboxShipment[] = structuredClone(options.shipments ?? sampleShipments());
	const now = options.now ?? (() => new Date());
	const replyDelayMs = Math.max(0, options.replyDelayMs ?? 0);
	const enforceLockout = options.enforceLockout ?? true;
	const lockoutMs = (options.lockoutMinutes ?? 30) * 60_000;
	const lockoutReply = options.lockoutReply ?? { returnCode: '400', message: DEFAULT_LOCKOUT_MESSAGE };
	const revealSteps = options.revealSteps ?? 2;
	const k100Account = { ...(options.kuaidi100 ?? SANDBOX_KUAIDI100) };
	const kdAccount = { ...(options.keyDelivery ?? SANDBOX_KEYDELIVERY) };
	const account: SandboxAccountState = {
		kuaidi100KeyExpired: false,
		keyDeliveryQuotaExhausted: false,
		keyDeliveryBlocked: false,
		...options.account,
	};

	const k100Carriers: Record<string, string> = { ...KUAIDI100_SANDBOX_CARRIERS };
	const kdCarriers: Record<string, string> = { ...KEYDELIVERY_SANDBOX_CARRIERS };
	for (const shipment of shipments) {
		const table = shipment.provider === 'kuaidi100' ? k100Carriers : kdCarriers;
		const id = shipment.provider === 'kuaidi100' ? shipment.carrier : shipment.carrier.toLowerCase();
		table[id] ??= shipment.carrier;
	}

	let step = 0;
	let closed = false;
	const requests: RecordedRequest[] = [];
	const subscriptions: SandboxSubscription[] = [];
	const pushes: SandboxPushResult[] = [];
	const faults: Record<SandboxProvider, QueuedFault[]> = { kuaidi100: [], keydelivery: [] };
	const lockouts = new Map<string, number>();
	const pending = new Set<Pending>();
	const urls: Record<ServerKind, string> = { kuaidi100: '', autonumber: '', keydelivery: '' };

	const findShipment = (provider: SandboxProvider, carrier: string, trackingNumber: string) =>
		shipments.find(
			(s) =>
				s.provider === provider &&
				s.trackingNumber === trackingNumber &&
				(provider === 'keydelivery' ? s.carrier.toLowerCase() === carrier.toLowerCase() : s.carrier === carrier),
		);
	const visibleCount = (shipment: SandboxShipment) => Math.max(0, Math.min(shipment.timeline.length, revealSteps + step));
	const visibleEvents = (provider: SandboxProvider, carrier: string, trackingNumber: string): SandboxEvent[] => {
		const shipment = findShipment(provider, carrier, trackingNumber);
		return shipment ? structuredClone(shipment.timeline.slice(0, visibleCount(shipment))) : [];
	};

	/** Candidate carriers: exact number matches first, then numbers of the same 2-character prefix and length. */
	const guessCarriers = (provider: SandboxProvider, num: string): string[] => {
		const own = shipments.filter((s) => s.provider === provider);
		const exact = own.filter((s) => s.trackingNumber === num).map((s) => s.carrier);
		const similar = own
			.filter((s) => s.trackingNumber !== num && s.trackingNumber.length === num.length && s.trackingNumber.slice(0, 2).toUpperCase() === num.slice(0, 2).toUpperCase())
			.map((s) => s.carrier);
		return [...new Set([...exact, ...similar])];
	};

	const sleep = async (ms: number) =>
		await new Promise<void>((resolve) => {
			const entry: Pending = {
				timer: setTimeout(() => {
					pending.delete(entry);
					resolve();
				}, ms),
				resolve,
			};
			pending.add(entry);
		});

	const takeFault = (provider: SandboxProvider, path: string): SandboxFault | undefined => {
		const queue = faults[provider];
		const index = queue.findIndex((fault) => fault.path === undefined || fault.path === path);
		if (index < 0) return undefined;
		const fault = queue[index];
		fault.remaining -= 1;
		if (fault.remaining <= 0) queue.splice(index, 1);
		return fault;
	};

	const faultReply = (provider: SandboxProvider, path: string, fault: SandboxFault): Reply | undefined => {
		const status = fault.httpStatus ?? 200;
		if (fault.brokenBody) {
			const body =
				provider === 'kuaidi100'
					? '{"message":"ok","nu":"YT7450353838751","ischeck":"1","com":"yuantong","status":"200","data":[{"time":"2024-03-09 10:4'
					: '{"code":200,"message":"OK","data":{"carrier_id":"usps","items":[{"context":"Out for deliv';
			return { status, body, contentType: provider === 'kuaidi100' ? JSON_K100 : JSON_KD };
		}
		if (fault.code !== undefined) {
			const code = String(fault.code);
			const reply =
				provider === 'kuaidi100'
					? k100Error(code, undefined, path === '/poll' ? KUAIDI100_SUBSCRIBE_MESSAGES : KUAIDI100_QUERY_MESSAGES)
					: kdError(Number(code));
			return { ...reply, status };
		}
		if (fault.httpStatus !== undefined) {
			const text = `${status} ${STATUS_CODES[status] ?? ''}`.trim();
			return { status, body: `<html><head><title>${text}</title></head><body><h1>${text}</h1></body></html>`, contentType: 'text/html' };
		}
		return undefined;
	};

	// ---------------------------------------------------------------- Kuaidi100

	const kuaidi100Query = (req: IncomingMessage, raw: string, maptrack: boolean): Reply => {
		if (req.method !== 'POST') return k100Error('400', '请使用POST方式提交');
		if (mediaType(req.headers) !== 'application/x-www-form-urlencoded') {
			return k100Error('400', '请使用POST方式以application/x-www-form-urlencoded格式提交');
		}
		const form = new URLSearchParams(raw);
		const customer = form.get('customer') ?? '';
		const sign = form.get('sign') ?? '';
		const param = form.get('param');
		if (param === null || param === '') return k100Error('400', '提交的数据不完整：缺少param');
		if (!customer || !sign || customer !== k100Account.customer) return k100Error('503');
		// Over the exact param text received; the service expects 32 upper-case hex digits.
		if (sign !== sandboxMd5(param, k100Account.key, customer)) return k100Error('503');
		if (account.kuaidi100KeyExpired) return k100Error('601');
		const body = parseJsonObject(param);
		if (!body) return k100Error('400', '提交的数据不完整：param不是有效的JSON');
		const com = str(body.com);
		const num = str(body.num);
		if (!com || !Object.hasOwn(k100Carriers, com)) return k100Error('400', '找不到对应公司');
		if (num.length < 6 || num.length > 32) return k100Error('400', '快递单号长度不正确，应为6-32位');
		const lockKey = `${com}|${num}`;
		if (enforceLockout) {
			const last = lockouts.get(lockKey);
			if (last !== undefined && now().getTime() - last < lockoutMs) {
				return k100Error(lockoutReply.returnCode, lockoutReply.message);
			}
		}
		const shipment = findShipment('kuaidi100', com, num);
		if (PHONE_CARRIERS.has(com)) {
			const phone = str(body.phone);
			if (!phone || (shipment?.phone && !phoneMatches(shipment.phone, phone))) return k100Error('408');
		}
		const visible = shipment ? visibleCount(shipment) : 0;
		if (!shipment || visible === 0) return k100Error('500');
		const result = renderKuaidi100Result(shipment, {
			visible,
			resultv2: str(body.resultv2),
			order: str(body.order),
			lang: str(body.lang),
			now: now(),
			trailUrl: maptrack ? `${urls.kuaidi100}/map/track/${sandboxMd5(lockKey).slice(0, 16).toLowerCase()}` : undefined,
		});
		lockouts.set(lockKey, now().getTime());
		const show = str(body.show);
		if (show !== '' && show !== '0') return renderNonJson(result, show);
		return json(result);
	};

	const kuaidi100Subscribe = (req: IncomingMessage, raw: string): Reply => {
		const fail = (code: string) => k100Error(code, undefined, KUAIDI100_SUBSCRIBE_MESSAGES);
		if (req.method !== 'POST' || mediaType(req.headers) !== 'application/x-www-form-urlencoded') return fail('700');
		const form = new URLSearchParams(raw);
		if (form.get('schema') !== 'json') return fail('700');
		const param = parseJsonObject(form.get('param') ?? '');
		if (!param) return fail('700');
		if (str(param.key) !== k100Account.key) return fail('600');
		if (account.kuaidi100KeyExpired) return fail('601');
		const number = str(param.number);
		if (number.length < 6 || number.length > 32) return fail('700');
		const parameters = isRecord(param.parameters) ? param.parameters : {};
		const callbackUrl = str(parameters.callbackurl);
		if (!isHttpUrl(callbackUrl)) return fail('700');
		let company = str(param.company);
		if (!company) {
			if (str(parameters.autoCom) !== '1') return fail('700');
			const guessed = guessCarriers('kuaidi100', number)[0];
			if (!guessed) return fail('702');
			company = guessed;
		} else if (!Object.hasOwn(k100Carriers, company)) {
			return fail('700');
		}
		if (subscriptions.some((s) => s.provider === 'kuaidi100' && s.carrier === company && s.trackingNumber === number)) {
			return fail('501');
		}
		const salt = str(parameters.salt);
		const resultv2 = str(parameters.resultv2);
		const phone = str(parameters.phone);
		subscriptions.push({
			provider: 'kuaidi100',
			carrier: company,
			trackingNumber: number,
			callbackUrl,
			...(salt ? { salt } : {}),
			...(resultv2 ? { resultv2 } : {}),
			...(phone ? { phone } : {}),
			createdAt: now().toISOString(),
			request: param,
		});
		return json({ result: true, returnCode: '200', message: KUAIDI100_SUBSCRIBE_MESSAGES['200'] });
	};

	const kuaidi100Autonumber = (req: IncomingMessage, query: Record<string, string>): Reply => {
		if (req.method !== 'GET') return k100Error('400', '请使用GET请求');
		if ((query.key ?? '') !== k100Account.key) return k100Error('600', '您不是合法的用户（即授权Key出错）');
		if (account.kuaidi100KeyExpired) return k100Error('601');
		const num = query.num ?? '';
		if (!num) return k100Error('400', '参数num不能为空');
		const candidates = guessCarriers('kuaidi100', num).map((comCode) => ({
			comCode,
			name: k100Carriers[comCode] ?? comCode,
			lengthPre: num.length,
			noCount: 1000,
		}));
		return json(candidates);
	};

	/**
	 * Any other path (what a Custom API Call reaches): a form signed by either Kuaidi100
	 * scheme, customer + MD5(param + key + customer) or key + t + MD5(param + t + key +
	 * secret), is accepted and echoed; a wrong signature gets 503 as on the query endpoint.
	 */
	const kuaidi100AnyPath = (req: IncomingMessage, raw: string, path: string): Reply => {
		if (req.method !== 'POST' || mediaType(req.headers) !== 'application/x-www-form-urlencoded') return notFound();
		const form = new URLSearchParams(raw);
		const param = form.get('param') ?? '';
		if (!param) return k100Error('400', '提交的数据不完整：缺少param');
		const customer = form.get('customer');
		const byKey = form.get('key') === k100Account.key ? sandboxMd5(param, form.get('t') ?? '', k100Account.key, SANDBOX_KUAIDI100.secret) : undefined;
		const expected = customer === null ? byKey : customer === k100Account.customer ? sandboxMd5(param, k100Account.key, customer) : undefined;
		if (!expected || form.get('sign') !== expected) return k100Error('503');
		return json({ result: true, returnCode: '200', message: '提交成功', data: { path, param: parseJsonObject(param) ?? param } });
	};

	// ---------------------------------------------------------------- KeyDelivery

	const keyDelivery = (req: IncomingMessage, path: string, rawBytes: Buffer): Reply => {
		if (req.method !== 'POST') return kdError(101);
		if (mediaType(req.headers) !== 'application/json') return kdError(102, 'Header error: Content-Type must be application/json');
		const apiKey = String(req.headers['api-key'] ?? '');
		if (!apiKey) return kdError(102, 'Header error: [API-Key] header missing');
		const signature = String(req.headers.signature ?? '');
		if (!signature) return kdError(102, 'Header error: [signature] header missing');
		if (apiKey !== kdAccount.apiKey) return kdError(404);
		const body = parseJsonObject(rawBytes.toString('utf8'));
		if (!body) return kdError(103);
		// Over the raw bytes received: a body re-serialized after signing fails here.
		if (signature !== sandboxMd5(rawBytes, kdAccount.apiKey, kdAccount.secret)) return kdError(104);
		if (account.keyDeliveryBlocked) return kdError(106);
		if (account.keyDeliveryQuotaExhausted) return kdError(401);

		// Any other path (a Custom API Call): a correctly signed request is accepted and echoed.
		if (!KEYDELIVERY_PATHS.includes(path)) return json({ code: 200, message: 'OK', data: { path, received: body } }, JSON_KD);
		const trackingNumber = str(body.tracking_number);
		if (path === '/api/v1/carriers/detect') {
			if (!trackingNumber) return kdError(105, '[tracking_number] must not be blank');
			const candidates = guessCarriers('keydelivery', trackingNumber);
			if (candidates.length === 0) return kdError(406);
			return json(
				{
					code: 200,
					message: 'OK',
					data: candidates.map((id) => ({ carrier_id: id, carrier_name: kdCarriers[id.toLowerCase()] ?? id })),
				},
				JSON_KD,
			);
		}

		const carrierId = str(body.carrier_id);
		if (!carrierId) return kdError(105, '[carrier_id] must not be blank');
		if (!trackingNumber) return kdError(105, '[tracking_number] must not be blank');
		const areaShow = str(body.area_show) === '1';
		const order = str(body.order);

		if (path === '/api/v1/tracking/create') {
			const webhookUrl = str(body.webhook_url);
			if (!webhookUrl) return kdError(105, '[webhook_url] must not be blank');
			if (!isHttpUrl(webhookUrl)) return kdError(105, '[webhook_url] is invalid');
			if (!Object.hasOwn(kdCarriers, carrierId.toLowerCase())) return kdError(405);
			const exists = subscriptions.some(
				(s) => s.provider === 'keydelivery' && s.carrier.toLowerCase() === carrierId.toLowerCase() && s.trackingNumber === trackingNumber,
			);
			if (exists) return kdError(60201);
			const phone = str(body.phone);
			subscriptions.push({
				provider: 'keydelivery',
				carrier: carrierId,
				trackingNumber,
				callbackUrl: webhookUrl,
				areaShow,
				...(phone ? { phone } : {}),
				createdAt: now().toISOString(),
				request: body,
			});
			return json({ code: 200, message: 'OK' }, JSON_KD);
		}

		// realtime
		if (!Object.hasOwn(kdCarriers, carrierId.toLowerCase())) return kdError(405);
		const shipment = findShipment('keydelivery', carrierId, trackingNumber);
		const visible = shipment ? visibleCount(shipment) : 0;
		if (!shipment || visible === 0) return kdError(60101);
		return json(
			{ code: 200, message: 'OK', data: renderKeyDeliveryRealtime(shipment, { visible, areaShow, order, carrierId }) },
			JSON_KD,
		);
	};

	// ---------------------------------------------------------------- plumbing

	const route = (kind: ServerKind, req: IncomingMessage, path: string, raw: Buffer, query: Record<string, string>): Reply => {
		if (kind === 'kuaidi100') {
			if (path === '/poll/query.do') return kuaidi100Query(req, raw.toString('utf8'), false);
			if (path === '/poll/maptrack.do') return kuaidi100Query(req, raw.toString('utf8'), true);
			if (path === '/poll') return kuaidi100Subscribe(req, raw.toString('utf8'));
			return misplaced(path, KUAIDI100_PATHS) ? notFound() : kuaidi100AnyPath(req, raw.toString('utf8'), path);
		}
		if (kind === 'autonumber') {
			return path === '/autonumber/auto' ? kuaidi100Autonumber(req, query) : notFound();
		}
		return path.startsWith('/api/') && !misplaced(path, KEYDELIVERY_PATHS) ? keyDelivery(req, path, raw) : notFound();
	};

	const handle = async (kind: ServerKind, req: IncomingMessage, res: ServerResponse): Promise<void> => {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const raw = Buffer.concat(chunks);
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const provider: SandboxProvider = kind === 'keydelivery' ? 'keydelivery' : 'kuaidi100';
		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(req.headers)) {
			if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
		}
		requests.push({
			provider,
			path: url.pathname,
			method: req.method ?? '',
			headers,
			rawBody: raw.toString('utf8'),
			query: Object.fromEntries(url.searchParams),
			receivedAt: now().toISOString(),
		});

		const fault = takeFault(provider, url.pathname);
		const delay = replyDelayMs + (fault?.delayMs ?? 0);
		if (delay > 0) await sleep(delay);
		// The client gave up (timeout) or the sandbox closed: no reply and no side effects.
		if (closed || req.socket.destroyed || res.destroyed) return;
		if (fault?.reset) {
			req.socket.destroy();
			return;
		}
		const reply = (fault && faultReply(provider, url.pathname, fault)) ?? route(kind, req, url.pathname, raw, Object.fromEntries(url.searchParams));
		res.writeHead(reply.status, { 'Content-Type': reply.contentType, 'Content-Length': Buffer.byteLength(reply.body) });
		res.end(reply.body);
	};

	const servers: Server[] = [];
	const listen = async (kind: ServerKind): Promise<string> => {
		const server = createServer((req, res) => {
			handle(kind, req, res).catch((error: unknown) => {
				if (!res.headersSent && !res.destroyed) {
					res.writeHead(500, { 'Content-Type': 'text/plain' });
					res.end(`sandbox error: ${(error as Error)?.message ?? String(error)}`);
				}
			});
		});
		servers.push(server);
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => resolve());
		});
		return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	};

	urls.kuaidi100 = await listen('kuaidi100');
	urls.autonumber = await listen('autonumber');
	urls.keydelivery = await listen('keydelivery');

	const pushNow = async (trackingNumber: string, pushOptions: SandboxPushOptions = {}): Promise<SandboxPushResult> => {
		const subscription = [...subscriptions]
			.reverse()
			.find(
				(s) =>
					s.trackingNumber === trackingNumber &&
					(pushOptions.provider === undefined || s.provider === pushOptions.provider) &&
					(pushOptions.carrier === undefined || s.carrier.toLowerCase() === pushOptions.carrier.toLowerCase()),
			);
		if (!subscription) throw new Error(`sandbox: ${trackingNumber} has no subscription to push for`);
		const shipment = findShipment(subscription.provider, subscription.carrier, trackingNumber) ?? {
			provider: subscription.provider,
			carrier: subscription.carrier,
			trackingNumber,
			timeline: [],
		};
		const visible = visibleCount(shipment);
		const events = shipment.timeline.slice(0, visible);
		const newestBasic = events.length > 0 ? basicStatusCode(events[events.length - 1].statusCode) : undefined;
		let built: { body: string; contentType: string };
		if (subscription.provider === 'kuaidi100') {
			const status = pushOptions.status ?? (events.length === 0 ? 'abort' : newestBasic === '3' || newestBasic === '4' ? 'shutdown' : 'polling');
			built = buildKuaidi100Push({
				status,
				message: pushOptions.message ?? (status === 'abort' ? '3天查询无记录' : ''),
				salt: subscription.salt,
				lastResult: renderKuaidi100Result(shipment, { visible, resultv2: subscription.resultv2, now: now() }),
			});
		} else {
			built = buildKeyDeliveryWebhook({
				carrier_id: subscription.carrier,
				tracking_number: trackingNumber,
				items: renderKeyDeliveryItems(events, { areaShow: subscription.areaShow }),
				events,
				event: pushOptions.event ?? (events.length === 0 ? 'expired' : undefined),
				message: pushOptions.message ?? (events.length === 0 ? 'No tracking information for 3 days' : undefined),
			});
		}
		const url = pushOptions.url ?? subscription.callbackUrl;
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'Content-Type': built.contentType },
			body: built.body,
			signal: AbortSignal.timeout(pushOptions.timeoutMs ?? 10_000),
		});
		const responseBody = await response.text();
		let acknowledged = response.status === 200;
		if (acknowledged && subscription.provider === 'kuaidi100') {
			const parsed = parseJsonObject(responseBody);
			acknowledged = parsed !== undefined && parsed.result === true && String(parsed.returnCode) === '200';
		}
		const result: SandboxPushResult = {
			provider: subscription.provider,
			url,
			body: built.body,
			contentType: built.contentType,
			status: response.status,
			responseBody,
			acknowledged,
		};
		pushes.push(result);
		return result;
	};

	const sandbox: Sandbox = {
		kuaidi100BaseUrl: urls.kuaidi100,
		kuaidi100AutonumberBaseUrl: urls.autonumber,
		keyDeliveryBaseUrl: urls.keydelivery,
		requests,
		subscriptions,
		pushes,
		shipments,
		get step() {
			return step;
		},
		advance(steps = 1) {
			step += steps;
		},
		visibleEvents,
		failNext(provider, fault) {
			faults[provider].push({ ...fault, remaining: Math.max(1, Math.floor(fault.times ?? 1)) });
		},
		setCredentials(patch) {
			Object.assign(account, patch);
		},
		clearLockouts() {
			lockouts.clear();
		},
		pushNow,
		async close() {
			if (closed) return;
			closed = true;
			for (const entry of pending) {
				clearTimeout(entry.timer);
				entry.resolve();
			}
			pending.clear();
			await Promise.all(
				servers.map(
					async (server) =>
						await new Promise<void>((resolve) => {
							server.close(() => resolve());
							server.closeAllConnections();
						}),
				),
			);
		},
	};
	return sandbox;
}
