/**
 * The fake Kuaidi100 poll server: real-time query (/poll/query.do), map track
 * (/poll/maptrack.do) and subscribe (/poll), with the wire rules of
 * docs/providers.md. Choices where the service's behaviour is not
 * documented (all deterministic):
 * - Query and map track: a method other than POST, or a body that is not
 *   application/x-www-form-urlencoded, answers returnCode 400 (the documentation's
 *   400 row: "check the submitted format is POST with x-www-form-urlencoded"); no
 *   param 400; a missing customer or sign 503.
 * - A repeated query within the lockout window answers the lockout reply (./query-lock.ts).
 * - Subscribe: anything malformed answers 700, a wrong key 600, an expired key 601.
 */
import type { FakeService } from '../http/server';
import type { Outcome, Reply } from '../http/reply';
import { fieldText, isHttpUrl, isRecord, parseJsonObject, type SandboxRequest } from '../http/request';
import { sandboxMd5 } from '../digest';
import type { SandboxShipment, SandboxSubscription } from '../types';
import { PHONE_CARRIERS, phoneMatches } from './carriers';
import type { Kuaidi100Fake } from './fake';
import { renderKuaidi100Result, renderNonJson } from './render';
import { kuaidi100Error, kuaidi100FaultReplies, kuaidi100Reply, SUBSCRIBE_MESSAGES, subscribeError } from './replies';

const FORM = 'application/x-www-form-urlencoded';

export function kuaidi100PollService(fake: Kuaidi100Fake): FakeService {
	return {
		provider: 'kuaidi100',
		faultReplies: kuaidi100FaultReplies,
		routes: {
			'/poll/query.do': (request) => answerQuery(fake, request, false),
			'/poll/maptrack.do': (request) => answerQuery(fake, request, true),
			'/poll': (request) => answerSubscribe(fake, request),
		},
	};
}

/** A query or map track: signed, for a known carrier, not locked, with the phone SF Express wants. */
function answerQuery(fake: Kuaidi100Fake, request: SandboxRequest, maptrack: boolean): Reply {
	const form = new URLSearchParams(request.body.toString('utf8'));
	const unsigned = refuseUnsignedQuery(fake, request, form);
	if (unsigned) return unsigned;
	const query = parseJsonObject(form.get('param') ?? '');
	if (!query) return kuaidi100Error('400', '提交的数据不完整：param不是有效的JSON');
	const com = fieldText(query.com);
	const num = fieldText(query.num);
	const lockKey = `${com}|${num}`;
	const shipment = fake.world.findShipment('kuaidi100', com, num);
	const refused = refuseQueryTarget(fake, com, num) ?? fake.lock.refusal(lockKey) ?? refuseWrongPhone(com, fieldText(query.phone), shipment);
	if (refused) return refused;
	const visible = shipment ? fake.world.visibleCount(shipment) : 0;
	if (!shipment || visible === 0) return kuaidi100Error('500');
	const result = renderKuaidi100Result(shipment, {
		visible,
		resultv2: fieldText(query.resultv2),
		order: fieldText(query.order),
		lang: fieldText(query.lang),
		now: fake.world.now(),
		trailUrl: maptrack ? `${fake.pollBaseUrl}/map/track/${sandboxMd5(lockKey).slice(0, 16).toLowerCase()}` : undefined,
	});
	fake.lock.stamp(lockKey);
	const show = fieldText(query.show);
	return show !== '' && show !== '0' ? renderNonJson(result, show) : kuaidi100Reply(result);
}

/** POST, form-encoded, a param signed MD5(param + key + customer) by the known customer, a key not expired. */
function refuseUnsignedQuery(fake: Kuaidi100Fake, request: SandboxRequest, form: URLSearchParams): Reply | undefined {
	if (request.method !== 'POST') return kuaidi100Error('400', '请使用POST方式提交');
	if (request.mediaType !== FORM) return kuaidi100Error('400', '请使用POST方式以application/x-www-form-urlencoded格式提交');
	const customer = form.get('customer') ?? '';
	const sign = form.get('sign') ?? '';
	const param = form.get('param');
	if (param === null || param === '') return kuaidi100Error('400', '提交的数据不完整：缺少param');
	if (!customer || !sign || customer !== fake.account.customer) return kuaidi100Error('503');
	// Over the exact param text received; the service expects 32 upper-case hex digits.
	if (sign !== sandboxMd5(param, fake.account.key, customer)) return kuaidi100Error('503');
	if (fake.world.account.kuaidi100KeyExpired) return kuaidi100Error('601');
	return undefined;
}

function refuseQueryTarget(fake: Kuaidi100Fake, com: string, num: string): Reply | undefined {
	if (!com || !Object.hasOwn(fake.carriers, com)) return kuaidi100Error('400', '找不到对应公司');
	if (num.length < 6 || num.length > 32) return kuaidi100Error('400', '快递单号长度不正确，应为6-32位');
	return undefined;
}

/** SF Express numbers need the phone: the full number or its last 4 digits (408 otherwise). */
function refuseWrongPhone(com: string, phone: string, shipment: SandboxShipment | undefined): Reply | undefined {
	if (!PHONE_CARRIERS.has(com)) return undefined;
	if (!phone || (shipment?.phone && !phoneMatches(shipment.phone, phone))) return kuaidi100Error('408');
	return undefined;
}

/** A subscription: a number of 6 to 32 characters, an http(s) callback URL, a known or guessable carrier, not yet subscribed. */
function answerSubscribe(fake: Kuaidi100Fake, request: SandboxRequest): Reply {
	const read = readSubscribeParam(fake, request);
	if (read.refused) return read.refused;
	const param = read.ok;
	const number = fieldText(param.number);
	if (number.length < 6 || number.length > 32) return subscribeError('700');
	const parameters = isRecord(param.parameters) ? param.parameters : {};
	const callbackUrl = fieldText(parameters.callbackurl);
	if (!isHttpUrl(callbackUrl)) return subscribeError('700');
	const company = subscribedCompany(fake, fieldText(param.company), fieldText(parameters.autoCom), number);
	if (company.refused) return company.refused;
	if (fake.world.isSubscribed('kuaidi100', company.ok, number)) return subscribeError('501');
	fake.world.subscriptions.push(kuaidi100Subscription(fake, param, parameters, company.ok, callbackUrl));
	return kuaidi100Reply({ result: true, returnCode: '200', message: SUBSCRIBE_MESSAGES['200'] });
}

/** POST, form-encoded, schema=json, a JSON param with the account's key, not expired. */
function readSubscribeParam(fake: Kuaidi100Fake, request: SandboxRequest): Outcome<Record<string, unknown>> {
	if (request.method !== 'POST' || request.mediaType !== FORM) return { refused: subscribeError('700') };
	const form = new URLSearchParams(request.body.toString('utf8'));
	if (form.get('schema') !== 'json') return { refused: subscribeError('700') };
	const param = parseJsonObject(form.get('param') ?? '');
	if (!param) return { refused: subscribeError('700') };
	if (fieldText(param.key) !== fake.account.key) return { refused: subscribeError('600') };
	if (fake.world.account.kuaidi100KeyExpired) return { refused: subscribeError('601') };
	return { ok: param };
}

/** The given company when known; without one, and with autoCom=1, the guessed one (702 when none). */
function subscribedCompany(fake: Kuaidi100Fake, company: string, autoCom: string, number: string): Outcome<string> {
	if (company) return Object.hasOwn(fake.carriers, company) ? { ok: company } : { refused: subscribeError('700') };
	if (autoCom !== '1') return { refused: subscribeError('700') };
	const guessed = fake.world.guessCarriers('kuaidi100', number)[0];
	return guessed ? { ok: guessed } : { refused: subscribeError('702') };
}

function kuaidi100Subscription(
	fake: Kuaidi100Fake,
	param: Record<string, unknown>,
	parameters: Record<string, unknown>,
	company: string,
	callbackUrl: string,
): SandboxSubscription {
	const salt = fieldText(parameters.salt);
	const resultv2 = fieldText(parameters.resultv2);
	const phone = fieldText(parameters.phone);
	return {
		provider: 'kuaidi100',
		carrier: company,
		trackingNumber: fieldText(param.number),
		callbackUrl,
		...(salt ? { salt } : {}),
		...(resultv2 ? { resultv2 } : {}),
		...(phone ? { phone } : {}),
		createdAt: fake.world.now().toISOString(),
		request: param,
	};
}
