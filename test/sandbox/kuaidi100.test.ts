import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LOCKOUT_MESSAGE, SANDBOX_KUAIDI100, startSandbox, type Sandbox } from '../../src/sandbox';
import { kuaidi100Fields, md5Hex, postForm, queryKuaidi100, send, startReceiver } from './helpers';

const seedReply = JSON.parse(readFileSync(join(__dirname, '../core/fixtures/kuaidi100-seed-reply.json'), 'utf8')) as Record<string, unknown>;
const YT = { com: 'yuantong', num: 'YT7450353838751' };
const SF = { com: 'shunfeng', num: 'SF1403829177352' };

describe('Kuaidi100 query (no lockout)', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ enforceLockout: false, revealSteps: 100 });
	});
	afterAll(async () => await sandbox.close());

	it('answers the seed reply of section 1.7 byte for byte (resultv2=4, lang=en)', async () => {
		const reply = await postForm(
			`${sandbox.kuaidi100BaseUrl}/poll/query.do`,
			kuaidi100Fields({ ...YT, phone: '1011', resultv2: '4', show: '0', order: 'desc', lang: 'en' }),
		);
		expect(reply.status).toBe(200);
		expect(reply.contentType).toContain('application/json');
		expect(reply.text).toBe(JSON.stringify(seedReply));
	});

	it('verifies the sign over the exact param text received (any field order, unicode)', async () => {
		const param = `{"num":"${YT.num}","to":"天津","com":"yuantong"}`;
		const reply = await postForm(`${sandbox.kuaidi100BaseUrl}/poll/query.do`, kuaidi100Fields(param));
		expect(JSON.parse(reply.text)).toMatchObject({ status: '200', nu: YT.num, com: 'yuantong' });
	});

	it('honours order=asc and resultv2=0', async () => {
		const body = await queryKuaidi100(sandbox.kuaidi100BaseUrl, { ...YT, order: 'asc' });
		const data = body.data as Array<Record<string, unknown>>;
		expect(data[0].time).toBe('2024-03-07 16:55:46');
		expect(Object.keys(data[0])).toEqual(['time', 'context', 'ftime']);
		expect(body.state).toBe('3');
	});

	it('map track adds trailUrl', async () => {
		const body = await queryKuaidi100(sandbox.kuaidi100BaseUrl, { ...YT, resultv2: '4' }, '/poll/maptrack.do');
		expect(body.trailUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/map\/track\/[0-9a-f]{16}$/);
		expect(body.routeInfo).toEqual(seedReply.routeInfo);
	});

	it('show other than 0 does not answer JSON', async () => {
		const reply = await postForm(`${sandbox.kuaidi100BaseUrl}/poll/query.do`, kuaidi100Fields({ ...YT, show: '1' }));
		expect(reply.text.startsWith('<?xml')).toBe(true);
		expect(() => JSON.parse(reply.text)).toThrow();
	});

	const errorCases: Array<[string, () => Promise<{ text: string; status: number }>, string, string?]> = [
		['a GET', async () => await send(`${sandbox.kuaidi100BaseUrl}/poll/query.do?${new URLSearchParams(kuaidi100Fields(YT))}`, { method: 'GET' }), '400'],
		['a JSON body', async () => await send(`${sandbox.kuaidi100BaseUrl}/poll/query.do`, { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(kuaidi100Fields(YT)) }), '400'],
		['a wrong sign', async () => await postForm(`${sandbox.kuaidi100BaseUrl}/poll/query.do`, kuaidi100Fields(YT, { key: 'other-key' })), '503', '验证签名失败'],
		['a lower-case sign', async () => await postForm(`${sandbox.kuaidi100BaseUrl}/poll/query.do`, kuaidi100Fields(YT, { sign: md5Hex(JSON.stringify(YT) + SANDBOX_KUAIDI100.key + SANDBOX_KUAIDI100.customer).toLowerCase() })), '503'],
		['an unknown customer', async () => await postForm(`${sandbox.kuaidi100BaseUrl}/poll/query.do`, kuaidi100Fields(YT, { customer: 'SOMEONEELSE' })), '503'],
		['a sign over a different param', async () => await postForm(`${sandbox.kuaidi100BaseUrl}/poll/query.do`, { ...kuaidi100Fields(YT), param: JSON.stringify({ ...YT, resultv2: '4' }) }), '503'],
		['no param', async () => await postForm(`${sandbox.kuaidi100BaseUrl}/poll/query.do`, { customer: SANDBOX_KUAIDI100.customer, sign: 'X' }), '400'],
		['an unknown carrier', async () => await postForm(`${sandbox.kuaidi100BaseUrl}/poll/query.do`, kuaidi100Fields({ com: 'nosuchcarrier', num: YT.num })), '400', '找不到对应公司'],
		['an upper-case carrier code', async () => await postForm(`${sandbox.kuaidi100BaseUrl}/poll/query.do`, kuaidi100Fields({ com: 'YUANTONG', num: YT.num })), '400', '找不到对应公司'],
		['a 5-character number', async () => await postForm(`${sandbox.kuaidi100BaseUrl}/poll/query.do`, kuaidi100Fields({ com: 'yuantong', num: '12345' })), '400'],
		['a 33-character number', async () => await postForm(`${sandbox.kuaidi100BaseUrl}/poll/query.do`, kuaidi100Fields({ com: 'yuantong', num: '1'.repeat(33) })), '400'],
		['SF Express without phone', async () => await postForm(`${sandbox.kuaidi100BaseUrl}/poll/query.do`, kuaidi100Fields(SF)), '408', '快递公司参数异常：验证码错误'],
		['SF Express with a wrong phone', async () => await postForm(`${sandbox.kuaidi100BaseUrl}/poll/query.do`, kuaidi100Fields({ ...SF, phone: '1234' })), '408'],
		['an unknown number', async () => await postForm(`${sandbox.kuaidi100BaseUrl}/poll/query.do`, kuaidi100Fields({ com: 'yuantong', num: 'YT0000000000000' })), '500'],
		['a number with no events yet', async () => await postForm(`${sandbox.kuaidi100BaseUrl}/poll/query.do`, kuaidi100Fields({ com: 'jd', num: 'JD0012345678901' })), '500'],
	];
	for (const [name, call, code, message] of errorCases) {
		it(`answers returnCode ${code} in an HTTP 200 body for ${name}`, async () => {
			const reply = await call();
			expect(reply.status).toBe(200);
			const body = JSON.parse(reply.text) as Record<string, unknown>;
			expect(body).toMatchObject({ result: false, returnCode: code });
			expect(typeof body.message).toBe('string');
			if (message) expect(body.message).toBe(message);
		});
	}

	it('answers exactly {"result":false,"returnCode":"503","message":"验证签名失败"} for a bad sign', async () => {
		const reply = await postForm(`${sandbox.kuaidi100BaseUrl}/poll/query.do`, kuaidi100Fields(YT, { sign: 'ABC' }));
		expect(reply.text).toBe('{"result":false,"returnCode":"503","message":"验证签名失败"}');
	});

	it.each([['13801388000'], ['8000'], ['138-0138-8000']])('accepts the SF phone %s (full or last 4 digits)', async (phone) => {
		const body = await queryKuaidi100(sandbox.kuaidi100BaseUrl, { ...SF, phone, resultv2: '4' });
		expect(body.status).toBe('200');
		expect(body.state).toBe('301');
	});

	it.each([['075581234567'], ['81234567'], ['4567'], ['0755-81234567']])('accepts the SF Freight landline as %s', async (phone) => {
		const body = await queryKuaidi100(sandbox.kuaidi100BaseUrl, { com: 'shunfengkuaiyun', num: 'SFKY8801234567', phone });
		expect(body.status).toBe('200');
	});

	it('answers 601 while the key is marked expired', async () => {
		sandbox.setCredentials({ kuaidi100KeyExpired: true });
		try {
			const body = await queryKuaidi100(sandbox.kuaidi100BaseUrl, YT);
			expect(body).toMatchObject({ result: false, returnCode: '601' });
		} finally {
			sandbox.setCredentials({ kuaidi100KeyExpired: false });
		}
		expect((await queryKuaidi100(sandbox.kuaidi100BaseUrl, YT)).status).toBe('200');
	});

	it('records every request with its raw body', async () => {
		const before = sandbox.requests.length;
		const fields = kuaidi100Fields(YT);
		await postForm(`${sandbox.kuaidi100BaseUrl}/poll/query.do`, fields);
		const recorded = sandbox.requests[before];
		expect(recorded).toMatchObject({ provider: 'kuaidi100', path: '/poll/query.do', method: 'POST' });
		expect(recorded.rawBody).toBe(new URLSearchParams(fields).toString());
		expect(recorded.headers['content-type']).toBe('application/x-www-form-urlencoded');
	});

	it('serves only its own paths', async () => {
		expect((await send(`${sandbox.kuaidi100BaseUrl}/autonumber/auto?num=${YT.num}&key=sandbox-key`, { method: 'GET' })).status).toBe(404);
		expect((await postForm(`${sandbox.kuaidi100BaseUrl}//poll/query.do`, kuaidi100Fields(YT))).status).toBe(404);
	});
});

describe('Kuaidi100 timeline steps', () => {
	it('reveals revealSteps events at step 0 and one more per advance(), capped at the timeline', async () => {
		const sandbox = await startSandbox({ enforceLockout: false });
		try {
			const count = async () => ((await queryKuaidi100(sandbox.kuaidi100BaseUrl, YT)).data as unknown[]).length;
			expect(await count()).toBe(2);
			sandbox.advance();
			expect(sandbox.step).toBe(1);
			expect(await count()).toBe(3);
			sandbox.advance(4);
			expect(await count()).toBe(7);
			sandbox.advance(100);
			expect(await count()).toBe(12);
			expect(sandbox.visibleEvents('kuaidi100', 'yuantong', YT.num)).toHaveLength(12);
		} finally {
			await sandbox.close();
		}
	});

	it('with revealSteps 0 nothing is visible: 500 until advanced', async () => {
		const sandbox = await startSandbox({ enforceLockout: false, revealSteps: 0 });
		try {
			expect(await queryKuaidi100(sandbox.kuaidi100BaseUrl, YT)).toMatchObject({ returnCode: '500' });
			sandbox.advance();
			const body = await queryKuaidi100(sandbox.kuaidi100BaseUrl, { ...YT, resultv2: '4' });
			expect(body.state).toBe('1');
		} finally {
			await sandbox.close();
		}
	});
});

describe('Kuaidi100 30-minute lockout', () => {
	let clock = new Date('2024-03-09T03:00:00Z');
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ now: () => clock });
	});
	afterAll(async () => await sandbox.close());

	it('locks a com+num for 30 minutes of the sandbox clock after a successful query', async () => {
		expect((await queryKuaidi100(sandbox.kuaidi100BaseUrl, YT)).status).toBe('200');
		expect(await queryKuaidi100(sandbox.kuaidi100BaseUrl, YT)).toEqual({ result: false, returnCode: '400', message: DEFAULT_LOCKOUT_MESSAGE });
		// Map track of the same number is the same number.
		expect(await queryKuaidi100(sandbox.kuaidi100BaseUrl, YT, '/poll/maptrack.do')).toMatchObject({ returnCode: '400' });
		clock = new Date(clock.getTime() + 29 * 60_000);
		expect(await queryKuaidi100(sandbox.kuaidi100BaseUrl, YT)).toMatchObject({ returnCode: '400', message: DEFAULT_LOCKOUT_MESSAGE });
		clock = new Date(clock.getTime() + 60_000);
		expect((await queryKuaidi100(sandbox.kuaidi100BaseUrl, YT)).status).toBe('200');
	});

	it('does not lock other numbers, and failed queries do not lock', async () => {
		expect(await queryKuaidi100(sandbox.kuaidi100BaseUrl, SF)).toMatchObject({ returnCode: '408' });
		expect((await queryKuaidi100(sandbox.kuaidi100BaseUrl, { ...SF, phone: '8000' })).status).toBe('200');
	});

	it('clearLockouts() forgets the locks', async () => {
		sandbox.clearLockouts();
		expect((await queryKuaidi100(sandbox.kuaidi100BaseUrl, { ...SF, phone: '8000' })).status).toBe('200');
	});

	it('uses a configured lockout reply', async () => {
		const custom = await startSandbox({ lockoutReply: { returnCode: '502', message: 'locked' } });
		try {
			await queryKuaidi100(custom.kuaidi100BaseUrl, YT);
			expect(await queryKuaidi100(custom.kuaidi100BaseUrl, YT)).toEqual({ result: false, returnCode: '502', message: 'locked' });
		} finally {
			await custom.close();
		}
	});
});

describe('Kuaidi100 subscribe and pushes', () => {
	let sandbox: Sandbox;
	let receiver: Awaited<ReturnType<typeof startReceiver>>;
	beforeAll(async () => {
		sandbox = await startSandbox({ revealSteps: 3 });
		receiver = await startReceiver();
	});
	afterAll(async () => {
		await sandbox.close();
		await receiver.close();
	});

	const subscribe = async (param: Record<string, unknown>, extra: Record<string, string> = {}) => {
		const reply = await postForm(`${sandbox.kuaidi100BaseUrl}/poll`, { schema: 'json', param: JSON.stringify(param), ...extra });
		expect(reply.status).toBe(200);
		return JSON.parse(reply.text) as Record<string, unknown>;
	};

	it('accepts a subscription (200), then answers 501 for the same one', async () => {
		const param = {
			company: 'yuantong',
			number: YT.num,
			key: SANDBOX_KUAIDI100.key,
			parameters: { callbackurl: `${receiver.url}/hook?token=abc`, salt: SANDBOX_KUAIDI100.salt, resultv2: '4' },
		};
		expect(await subscribe(param)).toEqual({ result: true, returnCode: '200', message: '提交成功' });
		expect(await subscribe(param)).toMatchObject({ result: false, returnCode: '501' });
		expect(sandbox.subscriptions).toHaveLength(1);
		expect(sandbox.subscriptions[0]).toMatchObject({
			provider: 'kuaidi100',
			carrier: 'yuantong',
			trackingNumber: YT.num,
			callbackUrl: `${receiver.url}/hook?token=abc`,
			salt: SANDBOX_KUAIDI100.salt,
			resultv2: '4',
		});
	});

	it('answers 600 for a bad key, 601 for an expired key, 700 for a missing or bad callback URL', async () => {
		const base = { company: 'zhongtong', number: '78912345678901', key: SANDBOX_KUAIDI100.key, parameters: { callbackurl: `${receiver.url}/hook` } };
		expect(await subscribe({ ...base, key: 'wrong' })).toMatchObject({ result: false, returnCode: '600' });
		sandbox.setCredentials({ kuaidi100KeyExpired: true });
		expect(await subscribe(base)).toMatchObject({ returnCode: '601' });
		sandbox.setCredentials({ kuaidi100KeyExpired: false });
		expect(await subscribe({ ...base, parameters: {} })).toMatchObject({ returnCode: '700' });
		expect(await subscribe({ ...base, parameters: { callbackurl: 'not a url' } })).toMatchObject({ returnCode: '700' });
		expect(await subscribe({ ...base, parameters: { callbackurl: 'ftp://example.com/x' } })).toMatchObject({ returnCode: '700' });
		expect(await subscribe(base, { schema: 'xml' })).toMatchObject({ returnCode: '700' });
		expect(sandbox.subscriptions.some((s) => s.trackingNumber === '78912345678901')).toBe(false);
	});

	it('autoCom finds the carrier of a known number, 702 otherwise', async () => {
		const parameters = { callbackurl: `${receiver.url}/hook`, autoCom: '1' };
		expect(await subscribe({ company: '', number: '4312345678901', key: SANDBOX_KUAIDI100.key, parameters })).toMatchObject({ returnCode: '200' });
		expect(sandbox.subscriptions.find((s) => s.trackingNumber === '4312345678901')?.carrier).toBe('yunda');
		expect(await subscribe({ company: '', number: 'QQ0000000000', key: SANDBOX_KUAIDI100.key, parameters })).toMatchObject({ returnCode: '702' });
	});

	it('pushNow posts the whole visible history as Kuaidi100 does, signed with the salt', async () => {
		const result = await sandbox.pushNow(YT.num);
		expect(result.acknowledged).toBe(true);
		const call = receiver.received.at(-1);
		expect(call?.method).toBe('POST');
		expect(call?.url).toBe('/hook?token=abc');
		expect(call?.headers['content-type']).toBe('application/x-www-form-urlencoded');
		const form = new URLSearchParams(call?.body ?? '');
		const param = form.get('param') ?? '';
		expect(form.get('sign')).toBe(md5Hex(param + SANDBOX_KUAIDI100.salt));
		const payload = JSON.parse(param) as { status: string; lastResult: { data: Array<Record<string, unknown>>; state: string } };
		expect(payload.status).toBe('polling');
		expect(payload.lastResult.data).toHaveLength(3);
		expect(payload.lastResult.state).toBe('1002');
		expect(payload.lastResult.data[0].statusCode).toBe('1002');

		sandbox.advance(20);
		await sandbox.pushNow(YT.num);
		const last = JSON.parse(new URLSearchParams(receiver.received.at(-1)?.body ?? '').get('param') ?? '') as { status: string; lastResult: { data: unknown[] } };
		expect(last.status).toBe('shutdown');
		expect(last.lastResult.data).toHaveLength(12);
		expect(sandbox.pushes).toHaveLength(2);
	});

	it('a push without salt has no sign; a wrong acknowledgement is reported', async () => {
		const other = await startReceiver({ status: 200, body: 'ok' });
		try {
			await subscribe({ company: 'dhl', number: '5566778899', key: SANDBOX_KUAIDI100.key, parameters: { callbackurl: `${other.url}/k` } });
			const result = await sandbox.pushNow('5566778899');
			expect(result.acknowledged).toBe(false);
			expect(result.responseBody).toBe('ok');
			expect(new URLSearchParams(other.received[0].body).has('sign')).toBe(false);
		} finally {
			await other.close();
		}
	});

	it('pushNow refuses a number nobody subscribed', async () => {
		await expect(sandbox.pushNow('NOSUCH123456')).rejects.toThrow(/no subscription/);
	});
});

describe('Kuaidi100 autonumber (own server)', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(async () => await sandbox.close());
	const detect = async (query: Record<string, string>, method = 'GET') =>
		await send(`${sandbox.kuaidi100AutonumberBaseUrl}/autonumber/auto?${new URLSearchParams(query)}`, { method });

	it('lives on another base URL than the poll endpoints', () => {
		expect(sandbox.kuaidi100AutonumberBaseUrl).not.toBe(sandbox.kuaidi100BaseUrl);
	});

	it('guesses by the sample shipments', async () => {
		expect(JSON.parse((await detect({ num: YT.num, key: SANDBOX_KUAIDI100.key })).text)).toEqual([
			{ comCode: 'yuantong', name: '圆通速递', lengthPre: 15, noCount: 1000 },
		]);
		const similar = JSON.parse((await detect({ num: 'YT1111111111111', key: SANDBOX_KUAIDI100.key })).text) as Array<{ comCode: string }>;
		expect(similar.map((c) => c.comCode)).toEqual(['yuantong']);
		expect(JSON.parse((await detect({ num: 'ZZ99', key: SANDBOX_KUAIDI100.key })).text)).toEqual([]);
	});

	it('answers a 600 error for a wrong key, 601 for an expired one, 400 without num', async () => {
		expect(JSON.parse((await detect({ num: YT.num, key: 'nope' })).text)).toMatchObject({ result: false, returnCode: '600' });
		expect(JSON.parse((await detect({ num: YT.num })).text)).toMatchObject({ returnCode: '600' });
		sandbox.setCredentials({ kuaidi100KeyExpired: true });
		expect(JSON.parse((await detect({ num: YT.num, key: SANDBOX_KUAIDI100.key })).text)).toMatchObject({ returnCode: '601' });
		sandbox.setCredentials({ kuaidi100KeyExpired: false });
		expect(JSON.parse((await detect({ key: SANDBOX_KUAIDI100.key })).text)).toMatchObject({ returnCode: '400' });
		expect(sandbox.requests.at(-1)?.query).toEqual({ key: SANDBOX_KUAIDI100.key });
	});
});
