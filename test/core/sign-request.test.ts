/**
 * Signing any request (what the credentials' `authenticate` runs): every shape a sender
 * builds, non-ASCII text, and a round trip over a real socket where the receiving side
 * recomputes the signature from the bytes it got. Expected digests come from the test's
 * own MD5 (test/sandbox/helpers.ts) or from vectors computed outside the project.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchTransport } from '../../src/core/http';
import { signKeyDeliveryRequest, signKuaidi100Request } from '../../src/core/sign-request';
import { SANDBOX_KEYDELIVERY, SANDBOX_KUAIDI100, startSandbox, type Sandbox } from '../../src/sandbox';
import { md5Hex } from '../sandbox/helpers';

const K100 = { customer: SANDBOX_KUAIDI100.customer, key: SANDBOX_KUAIDI100.key, secret: SANDBOX_KUAIDI100.secret };
const KD = { apiKey: SANDBOX_KEYDELIVERY.apiKey, secret: SANDBOX_KEYDELIVERY.secret };
const PARAM = '{"com":"yuantong","num":"YT7450353838751","resultv2":"4","show":"0"}';
// Vector computed with python3 hashlib outside this project (see signing.test.ts).
const PARAM_ZH = '{"com":"shunfeng","num":"SF1403829177352","phone":"8000","from":"广东深圳","to":"北京朝阳"}';
const PARAM_ZH_SIGN = 'C7B4D95986A73EA65E11254481A7BC4E';

const form = (body: unknown) => new URLSearchParams(String(body));

describe('signKuaidi100Request: customer scheme, sign = MD5(param + key + customer)', () => {
	it('form fields (the HTTP Request node): a form body with customer, sign and param; form and caller untouched', () => {
		const request = { method: 'POST', url: 'https://poll.kuaidi100.com/poll/query.do', form: { param: PARAM }, headers: { accept: 'application/json' } };
		const signed = signKuaidi100Request(request, K100);
		expect([...form(signed.body).keys()]).toEqual(['customer', 'sign', 'param']);
		expect(form(signed.body).get('param')).toBe(PARAM);
		expect(form(signed.body).get('sign')).toBe(md5Hex(PARAM + K100.key + K100.customer));
		expect(signed.headers).toEqual({ accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' });
		expect('form' in signed).toBe(false);
		expect(request).toEqual({ method: 'POST', url: 'https://poll.kuaidi100.com/poll/query.do', form: { param: PARAM }, headers: { accept: 'application/json' } });
	});

	it('a raw string body gives the same fields; a stale customer, sign or content type is replaced', () => {
		const raw = `sign=OLD&customer=SOMEONE&param=${encodeURIComponent(PARAM)}&extra=1`;
		const signed = signKuaidi100Request({ body: raw, headers: { 'content-type': 'text/plain' } }, K100);
		expect([...form(signed.body)]).toEqual([
			['customer', K100.customer],
			['sign', md5Hex(PARAM + K100.key + K100.customer)],
			['param', PARAM],
			['extra', '1'],
		]);
		expect(signed.headers).toEqual({ 'Content-Type': 'application/x-www-form-urlencoded' });
	});

	it('a param given as JSON fields is sent as the JSON text it signs', () => {
		const signed = signKuaidi100Request({ body: { param: { com: 'yuantong', num: 'YT7450353838751' } } }, K100);
		const sent = form(signed.body).get('param')!;
		expect(sent).toBe('{"com":"yuantong","num":"YT7450353838751"}');
		expect(form(signed.body).get('sign')).toBe(md5Hex(sent + K100.key + K100.customer));
	});

	it('non-ASCII param text is signed as UTF-8 (a fixed vector) and sent percent-encoded', () => {
		const signed = signKuaidi100Request({ form: { param: PARAM_ZH } }, { customer: 'SANDBOXCUSTOMER', key: 'sandbox-key' });
		expect(form(signed.body).get('sign')).toBe(PARAM_ZH_SIGN);
		expect(String(signed.body)).not.toMatch(/[^\x20-\x7e]/);
		expect(form(signed.body).get('param')).toBe(PARAM_ZH);
	});

	it('no param: a clear error, nothing signed', () => {
		expect(() => signKuaidi100Request({ form: { num: 'YT1' } }, K100)).toThrow(/form field "param"/);
	});
});

describe('signKuaidi100Request: key-and-secret scheme, sign = MD5(param + t + key + secret)', () => {
	it('a form naming key or t: key and t set, sign over param + t + key + secret; the typed key is never kept', () => {
		const signed = signKuaidi100Request({ form: { method: 'time', key: '', t: '1700000000000', param: PARAM } }, K100);
		expect([...form(signed.body)]).toEqual([
			['key', K100.key],
			['t', '1700000000000'],
			['sign', md5Hex(`${PARAM}1700000000000${K100.key}${K100.secret}`)],
			['method', 'time'],
			['param', PARAM],
		]);
	});

	it('an empty t is the current time in milliseconds', () => {
		const signed = signKuaidi100Request({ form: { t: '', param: PARAM } }, K100, () => 1733300000123);
		expect(form(signed.body).get('t')).toBe('1733300000123');
		expect(form(signed.body).get('sign')).toBe(md5Hex(`${PARAM}1733300000123${K100.key}${K100.secret}`));
	});

	it('without the Secret in the credential: a clear error', () => {
		expect(() => signKuaidi100Request({ form: { key: '', param: PARAM } }, { customer: 'C', key: 'K' })).toThrow(/fill in Secret/);
	});
});

describe('signKeyDeliveryRequest: API-Key and signature = MD5(body + apiKey + secret)', () => {
	it('JSON fields are serialized once; that text is the body and what is signed', () => {
		const request = { body: { carrier_id: 'usps', tracking_number: 'LY811679807CN' }, headers: { 'content-type': 'application/json; charset=utf-8' }, json: true };
		const signed = signKeyDeliveryRequest(request, KD);
		expect(signed.body).toBe('{"carrier_id":"usps","tracking_number":"LY811679807CN"}');
		expect(signed.headers).toEqual({ 'Content-Type': 'application/json', 'API-Key': KD.apiKey, signature: md5Hex(`${signed.body}${KD.apiKey}${KD.secret}`) });
		expect(request.body).toEqual({ carrier_id: 'usps', tracking_number: 'LY811679807CN' });
	});

	it('a raw string body is signed byte for byte (a fixed vector over pretty JSON)', () => {
		const pretty = '{\n  "carrier_id": "usps",\n  "tracking_number": "LY811679807CN"\n}';
		const signed = signKeyDeliveryRequest({ body: pretty }, { apiKey: 'sandbox-api-key', secret: 'sandbox-secret' });
		expect(signed.body).toBe(pretty);
		expect(signed.headers?.signature).toBe('CC99E019686D13BDD7A9A336C96A0814');
	});

	it('non-ASCII JSON is signed as UTF-8', () => {
		const signed = signKeyDeliveryRequest({ body: { ship_to: 'München, Deutschland', note: '北京' } }, KD);
		expect(signed.headers?.signature).toBe(md5Hex(`${signed.body}${KD.apiKey}${KD.secret}`));
	});

	it('no body: a clear error', () => {
		expect(() => signKeyDeliveryRequest({}, KD)).toThrow(/JSON body/);
	});
});

describe('the bytes signed are the bytes sent (real sockets, the sandbox recomputes from what it received)', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(async () => await sandbox.close());

	const post = async (url: string, signed: { headers?: Record<string, unknown>; body?: unknown }) =>
		await fetchTransport({ method: 'POST', url, headers: signed.headers as Record<string, string>, body: String(signed.body), timeoutMs: 5000 });

	it('Kuaidi100, both schemes, any path: accepted, and the param received is the one signed', async () => {
		for (const fields of [{ param: PARAM_ZH }, { method: 'time', t: '', param: PARAM_ZH }]) {
			const reply = await post(`${sandbox.kuaidi100BaseUrl}/label/order`, signKuaidi100Request({ form: fields }, K100));
			expect(JSON.parse(reply.body)).toMatchObject({ result: true, returnCode: '200', data: { path: '/label/order', param: JSON.parse(PARAM_ZH) } });
			const received = new URLSearchParams(sandbox.requests.at(-1)!.rawBody);
			expect(received.get('param')).toBe(PARAM_ZH);
		}
	});

	it('Kuaidi100: a wrong key is refused with 503, as on the query endpoint', async () => {
		for (const fields of [{ param: PARAM }, { t: '', param: PARAM }]) {
			const reply = await post(`${sandbox.kuaidi100BaseUrl}/address/resolution`, signKuaidi100Request({ form: fields }, { ...K100, key: 'wrong-key' }));
			expect(JSON.parse(reply.body)).toMatchObject({ result: false, returnCode: '503' });
		}
	});

	it('KeyDelivery, any API path: accepted with the body received; a wrong secret is refused with 104', async () => {
		const body = { tracking_number: 'LY811679807CN', note: 'Zürich 北京' };
		const ok = await post(`${sandbox.keyDeliveryBaseUrl}/api/v1/tracking/list`, signKeyDeliveryRequest({ body }, KD));
		expect(JSON.parse(ok.body)).toEqual({ code: 200, message: 'OK', data: { path: '/api/v1/tracking/list', received: body } });
		const wrong = await post(`${sandbox.keyDeliveryBaseUrl}/api/v1/tracking/list`, signKeyDeliveryRequest({ body }, { ...KD, secret: 'wrong' }));
		expect(JSON.parse(wrong.body)).toMatchObject({ code: 104 });
	});
});
