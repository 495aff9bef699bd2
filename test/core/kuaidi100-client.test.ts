import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchTransport } from '../../src/core/http';
import type { Sleep } from '../../src/core/retry';
import { buildQueryRequest, Kuaidi100Client, type Kuaidi100Config } from '../../src/kuaidi100/client';
import { normalizeKuaidi100Result } from '../../src/normalize/shipment';
import { SANDBOX_KUAIDI100, startSandbox, type Sandbox } from '../../src/sandbox';
import { md5Hex } from '../sandbox/helpers';
import { failure } from './helpers';

const seedReply = JSON.parse(readFileSync(join(__dirname, 'fixtures/kuaidi100-seed-reply.json'), 'utf8')) as Record<string, unknown>;
const YT = { com: 'yuantong', num: 'YT7450353838751' };
const noSleep: Sleep = async () => {};

describe('Kuaidi100Client against the sandbox', () => {
	let sandbox: Sandbox;
	let config: Kuaidi100Config;
	let client: Kuaidi100Client;
	const countRequests = (path: string) => sandbox.requests.filter((r) => r.path === path).length;

	beforeAll(async () => {
		sandbox = await startSandbox({ enforceLockout: false, revealSteps: 100 });
		config = {
			customer: SANDBOX_KUAIDI100.customer,
			key: SANDBOX_KUAIDI100.key,
			baseUrl: sandbox.kuaidi100BaseUrl,
			autonumberBaseUrl: sandbox.kuaidi100AutonumberBaseUrl,
			timeoutMs: 2_000,
			retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
			sleep: noSleep,
		};
		client = new Kuaidi100Client(config, fetchTransport);
	});
	afterAll(async () => await sandbox.close());

	it('query: the seed reply, unchanged, and it normalizes to a delivered shipment', async () => {
		const result = await client.query({ ...YT, resultv2: '4', lang: 'en', phone: '1011', order: 'desc' });
		expect(result).toEqual(seedReply);
		const shipment = normalizeKuaidi100Result(result, { source: 'query' });
		expect(shipment.shipment_status).toBe('delivered');
		expect(shipment.events).toHaveLength(12);
	});

	it('sends a form with customer, sign = MD5(param + key + customer) and param with show=0', async () => {
		await client.query({ ...YT, resultv2: '4' });
		const request = sandbox.requests.at(-1);
		expect(request?.method).toBe('POST');
		expect(request?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
		const form = new URLSearchParams(request?.rawBody);
		const param = form.get('param') ?? '';
		expect(JSON.parse(param)).toEqual({ com: 'yuantong', num: YT.num, resultv2: '4', show: '0' });
		expect(form.get('customer')).toBe(SANDBOX_KUAIDI100.customer);
		expect(form.get('sign')).toBe(md5Hex(param + SANDBOX_KUAIDI100.key + SANDBOX_KUAIDI100.customer));
	});

	it('signs Chinese text in param correctly', async () => {
		const result = await client.query({ ...YT, from: '山东济南', to: '天津 北辰区' });
		expect(result.nu).toBe(YT.num);
	});

	it('mapTrack returns the trail URL', async () => {
		const result = await client.mapTrack({ ...YT, resultv2: '4' });
		expect(result.trailUrl).toMatch(/\/map\/track\//);
	});

	const cases: Array<{ name: string; code: string; run: () => Promise<unknown>; fatal?: boolean; setup?: () => void; teardown?: () => void }> = [
		{ name: 'a wrong key', code: '503', fatal: true, run: async () => await new Kuaidi100Client({ ...config, key: 'wrong' }, fetchTransport).query(YT) },
		{ name: 'a wrong customer', code: '503', fatal: true, run: async () => await new Kuaidi100Client({ ...config, customer: 'NOTME' }, fetchTransport).query(YT) },
		{ name: 'an expired key', code: '601', fatal: true, run: async () => await client.query(YT), setup: () => sandbox.setCredentials({ kuaidi100KeyExpired: true }), teardown: () => sandbox.setCredentials({ kuaidi100KeyExpired: false }) },
		{ name: 'an unknown carrier', code: '400', run: async () => await client.query({ com: 'nosuchcarrier', num: YT.num }) },
		{ name: 'SF Express without phone', code: '408', run: async () => await client.query({ com: 'shunfeng', num: 'SF1403829177352' }) },
		{ name: 'an unknown number', code: '500', run: async () => await client.query({ com: 'yuantong', num: 'YT0000000000000' }) },
	];
	for (const { name, code, run, fatal, setup, teardown } of cases) {
		it(`maps returnCode ${code} (${name}) to a non-retryable TrackingApiError, sent once`, async () => {
			setup?.();
			try {
				const before = sandbox.requests.length;
				const error = await failure(run());
				expect(error.provider).toBe('kuaidi100');
				expect(error.code).toBe(code);
				expect(error.retryable).toBe(false);
				expect(error.fatal).toBe(fatal ?? false);
				expect(error.meaning.length).toBeGreaterThan(10);
				expect(error.remedy.length).toBeGreaterThan(10);
				expect(error.providerMessage).toBeTruthy();
				expect(error.message).toContain(`error ${code}`);
				expect(sandbox.requests.length - before).toBe(1);
			} finally {
				teardown?.();
			}
		});
	}

	it('408 explains the phone; 503 explains the credentials', async () => {
		expect((await failure(client.query({ com: 'shunfeng', num: 'SF1403829177352', phone: '1111' }))).remedy).toMatch(/phone/i);
		expect((await failure(new Kuaidi100Client({ ...config, key: 'x' }, fetchTransport).query(YT))).remedy).toMatch(/Key/);
	});

	it.each([['501'], ['502']])('retries %s with backoff and succeeds', async (code) => {
		sandbox.failNext('kuaidi100', { code, path: '/poll/query.do' });
		const before = countRequests('/poll/query.do');
		await expect(client.query(YT)).resolves.toMatchObject({ nu: YT.num });
		expect(countRequests('/poll/query.do') - before).toBe(2);
	});

	it('gives up after the attempts with a retryable error', async () => {
		sandbox.failNext('kuaidi100', { code: '502', times: 3 });
		const before = countRequests('/poll/query.do');
		const error = await failure(client.query(YT));
		expect(error).toMatchObject({ code: '502', retryable: true });
		expect(countRequests('/poll/query.do') - before).toBe(3);
	});

	it('a slow reply times out and is retried', async () => {
		const quick = new Kuaidi100Client({ ...config, timeoutMs: 150 }, fetchTransport);
		sandbox.failNext('kuaidi100', { delayMs: 2_000 });
		const before = countRequests('/poll/query.do');
		await expect(quick.query(YT)).resolves.toMatchObject({ nu: YT.num });
		expect(countRequests('/poll/query.do') - before).toBe(2);
	});

	it('replies that stay slow end in TIMEOUT (retryable) after every attempt', async () => {
		const quick = new Kuaidi100Client({ ...config, timeoutMs: 100 }, fetchTransport);
		sandbox.failNext('kuaidi100', { delayMs: 2_000, times: 3 });
		const error = await failure(quick.query(YT));
		expect(error).toMatchObject({ code: 'TIMEOUT', retryable: true });
	});

	it('a reset connection is a NETWORK error, retried', async () => {
		sandbox.failNext('kuaidi100', { reset: true });
		await expect(client.query(YT)).resolves.toMatchObject({ nu: YT.num });
		sandbox.failNext('kuaidi100', { reset: true, times: 3 });
		expect(await failure(client.query(YT))).toMatchObject({ code: 'NETWORK', retryable: true });
	});

	it('a broken body is BAD_RESPONSE, not retried', async () => {
		sandbox.failNext('kuaidi100', { brokenBody: true });
		const before = countRequests('/poll/query.do');
		expect(await failure(client.query(YT))).toMatchObject({ code: 'BAD_RESPONSE', retryable: false });
		expect(countRequests('/poll/query.do') - before).toBe(1);
	});

	it('an HTTP 502 page is HTTP_502 and retried; an HTTP 404 is not', async () => {
		sandbox.failNext('kuaidi100', { httpStatus: 502 });
		await expect(client.query(YT)).resolves.toMatchObject({ nu: YT.num });
		const lost = new Kuaidi100Client({ ...config, baseUrl: `${sandbox.kuaidi100BaseUrl}/wrong` }, fetchTransport);
		expect(await failure(lost.query(YT))).toMatchObject({ code: 'HTTP_404', retryable: false });
	});

	it('an unreachable base URL is a NETWORK error', async () => {
		const closed = await startSandbox();
		const url = closed.kuaidi100BaseUrl;
		await closed.close();
		const error = await failure(new Kuaidi100Client({ ...config, baseUrl: url }, fetchTransport).query(YT));
		expect(error).toMatchObject({ code: 'NETWORK', retryable: true });
	});

	it('subscribe: 200, then 501 as success (alreadySubscribed)', async () => {
		const params = { company: 'yuantong', number: YT.num, callbackUrl: 'https://example.com/hook?t=1', salt: SANDBOX_KUAIDI100.salt, resultv2: '4' };
		expect(await client.subscribe(params)).toEqual({ result: true, returnCode: '200', message: '提交成功', alreadySubscribed: false });
		expect(await client.subscribe(params)).toMatchObject({ result: true, returnCode: '501', alreadySubscribed: true });
		const form = new URLSearchParams(sandbox.requests.at(-1)?.rawBody);
		expect(form.get('schema')).toBe('json');
		expect(form.has('sign')).toBe(false);
		expect(JSON.parse(form.get('param') ?? '')).toEqual({
			company: 'yuantong',
			number: YT.num,
			key: SANDBOX_KUAIDI100.key,
			parameters: { callbackurl: 'https://example.com/hook?t=1', salt: SANDBOX_KUAIDI100.salt, resultv2: '4' },
		});
	});

	it('subscribe: 600 bad key (fatal), 700 bad callback URL, autoCom', async () => {
		const bad = new Kuaidi100Client({ ...config, key: 'nope' }, fetchTransport);
		expect(await failure(bad.subscribe({ company: 'dhl', number: '5566778899', callbackUrl: 'https://e.com/h' }))).toMatchObject({ code: '600', fatal: true, retryable: false });
		expect(await failure(client.subscribe({ company: 'dhl', number: '5566778899', callbackUrl: 'not-a-url' }))).toMatchObject({ code: '700', retryable: false });
		expect(await client.subscribe({ number: '4312345678901', autoCom: true, callbackUrl: 'https://e.com/h' })).toMatchObject({ returnCode: '200' });
		expect(sandbox.subscriptions.at(-1)?.carrier).toBe('yunda');
	});

	it('detectCarrier: candidates from the autonumber host, [] for unknown numbers', async () => {
		expect(await client.detectCarrier(YT.num)).toEqual([{ comCode: 'yuantong', name: '圆通速递' }]);
		expect(await client.detectCarrier('ZZ000')).toEqual([]);
		const request = sandbox.requests.at(-1);
		expect(request).toMatchObject({ method: 'GET', path: '/autonumber/auto', query: { num: 'ZZ000', key: SANDBOX_KUAIDI100.key } });
	});

	it('detectCarrier with a wrong key is a non-retryable error carrying code 600', async () => {
		const error = await failure(new Kuaidi100Client({ ...config, key: 'nope' }, fetchTransport).detectCarrier(YT.num));
		expect(error).toMatchObject({ code: '600', retryable: false });
	});

	it('buildQueryRequest leaves out empty optionals and keeps the documented field order', () => {
		const request = buildQueryRequest(config, { com: 'shunfeng', num: 'SF1', phone: '8000', from: '', resultv2: '4', order: 'asc', lang: 'en' });
		const param = new URLSearchParams(request.body).get('param');
		expect(param).toBe('{"com":"shunfeng","num":"SF1","phone":"8000","resultv2":"4","show":"0","order":"asc","lang":"en"}');
	});
});

describe('Kuaidi100Client and the lockout', () => {
	it('after a timed-out attempt and its successful retry, the next query is refused by the lockout until 30 minutes pass', async () => {
		let clock = new Date('2024-03-09T03:00:00Z');
		const sandbox = await startSandbox({ now: () => clock, revealSteps: 100 });
		try {
			const client = new Kuaidi100Client(
				{ customer: SANDBOX_KUAIDI100.customer, key: SANDBOX_KUAIDI100.key, baseUrl: sandbox.kuaidi100BaseUrl, timeoutMs: 150, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 }, sleep: noSleep },
				fetchTransport,
			);
			sandbox.failNext('kuaidi100', { delayMs: 2_000 });
			await expect(client.query(YT)).resolves.toMatchObject({ nu: YT.num });
			const error = await failure(client.query(YT));
			expect(error).toMatchObject({ code: '400', retryable: false });
			expect(error.providerMessage).toMatch(/locked/);
			clock = new Date(clock.getTime() + 31 * 60_000);
			await expect(client.query(YT)).resolves.toMatchObject({ nu: YT.num });
		} finally {
			await sandbox.close();
		}
	});
});
