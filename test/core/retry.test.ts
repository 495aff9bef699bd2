import { describe, expect, it } from 'vitest';
import { callWithRetry } from '../../src/core/call';
import { TrackingApiError } from '../../src/core/tracking-api-error';
import { TransportError, type HttpRequest, type HttpResponse, type HttpTransport } from '../../src/core/http';
import { backoffDelay, DEFAULT_RETRY, withRetry, type RetryOptions, type Sleep } from '../../src/core/retry';
import { KeyDeliveryClient } from '../../src/keydelivery/client';
import { Kuaidi100Client } from '../../src/kuaidi100/client';

function recorder(random = () => 1) {
	const sleeps: number[] = [];
	const sleep: Sleep = async (ms) => {
		sleeps.push(ms);
	};
	const options = (attempts: number, baseDelayMs = 100, maxDelayMs = 1000): RetryOptions => ({ attempts, baseDelayMs, maxDelayMs, random });
	return { sleeps, sleep, options };
}

describe('backoffDelay', () => {
	const options: RetryOptions = { attempts: 10, baseDelayMs: 500, maxDelayMs: 8000 };

	it('grows exponentially up to the bound (random = 1 gives the ceiling)', () => {
		expect([0, 1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, options, () => 1))).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
	});

	it('is a uniform fraction of the ceiling (full jitter)', () => {
		expect(backoffDelay(2, options, () => 0)).toBe(0);
		expect(backoffDelay(2, options, () => 0.5)).toBe(1000);
		expect(backoffDelay(20, options, () => 0.25)).toBe(2000);
	});

	it('never exceeds maxDelayMs nor goes negative', () => {
		for (let n = 0; n < 40; n++) {
			for (const r of [0, 0.3, 0.999999]) {
				const delay = backoffDelay(n, options, () => r);
				expect(delay).toBeGreaterThanOrEqual(0);
				expect(delay).toBeLessThanOrEqual(8000);
			}
		}
	});

	it('defaults: 3 attempts, 500 ms base, 8 s bound', () => {
		expect(DEFAULT_RETRY).toEqual({ attempts: 3, baseDelayMs: 500, maxDelayMs: 8000 });
	});
});

describe('withRetry', () => {
	const retryable = new Error('retry me');
	const fatal = new Error('do not retry');
	const isRetryable = (error: unknown) => error === retryable;

	it('returns the first success without sleeping', async () => {
		const { sleeps, sleep, options } = recorder();
		const seen: number[] = [];
		expect(await withRetry(async (attempt) => { seen.push(attempt); return 'ok'; }, isRetryable, sleep, options(3))).toBe('ok');
		expect(seen).toEqual([1]);
		expect(sleeps).toEqual([]);
	});

	it('retries retryable errors with growing delays until success', async () => {
		const { sleeps, sleep, options } = recorder();
		let calls = 0;
		const result = await withRetry(async () => {
			calls++;
			if (calls < 4) throw retryable;
			return calls;
		}, isRetryable, sleep, options(5));
		expect(result).toBe(4);
		expect(sleeps).toEqual([100, 200, 400]);
	});

	it('honours attempts and rethrows the last error', async () => {
		const { sleeps, sleep, options } = recorder();
		let calls = 0;
		await expect(withRetry(async () => { calls++; throw retryable; }, isRetryable, sleep, options(4, 300, 1000))).rejects.toBe(retryable);
		expect(calls).toBe(4);
		expect(sleeps).toEqual([300, 600, 1000]);
	});

	it('never retries a non-retryable error', async () => {
		const { sleeps, sleep, options } = recorder();
		let calls = 0;
		await expect(withRetry(async () => { calls++; throw fatal; }, isRetryable, sleep, options(5))).rejects.toBe(fatal);
		expect(calls).toBe(1);
		expect(sleeps).toEqual([]);
	});

	it.each([[1], [0], [-3], [0.5]])('attempts %s means exactly one try', async (attempts) => {
		const { sleep, options } = recorder();
		let calls = 0;
		await expect(withRetry(async () => { calls++; throw retryable; }, isRetryable, sleep, options(attempts))).rejects.toBe(retryable);
		expect(calls).toBe(1);
	});
});

/** A scripted transport: each call takes the next step (a reply or an error to throw). */
function scripted(steps: Array<HttpResponse | Error>) {
	const requests: HttpRequest[] = [];
	const transport: HttpTransport = async (request) => {
		requests.push(request);
		const step = steps[Math.min(requests.length - 1, steps.length - 1)];
		if (step instanceof Error) throw step;
		return step;
	};
	return { transport, requests };
}

const k100 = (body: unknown, status = 200): HttpResponse => ({ status, body: JSON.stringify(body) });
const k100Code = (code: string) => k100({ result: false, returnCode: code, message: 'x' });
const OK_QUERY = k100({ message: 'ok', nu: 'YT7450353838751', com: 'yuantong', status: '200', state: '0', data: [] });

describe('retry policy of the clients', () => {
	const { sleeps, sleep, options } = recorder(() => 1);
	const kuaidi100 = (transport: HttpTransport) =>
		new Kuaidi100Client({ customer: 'C', key: 'K', baseUrl: 'http://k100.invalid', retry: options(3), sleep }, transport);
	const query = { com: 'yuantong', num: 'YT7450353838751' };

	it.each([['501'], ['502']])('retries Kuaidi100 %s, then succeeds', async (code) => {
		const { transport, requests } = scripted([k100Code(code), OK_QUERY]);
		sleeps.length = 0;
		await expect(kuaidi100(transport).query(query)).resolves.toMatchObject({ nu: 'YT7450353838751' });
		expect(requests).toHaveLength(2);
		expect(sleeps).toEqual([100]);
	});

	it.each([['400'], ['408'], ['500'], ['503'], ['601']])('never retries Kuaidi100 %s', async (code) => {
		const { transport, requests } = scripted([k100Code(code), OK_QUERY]);
		const error = await kuaidi100(transport).query(query).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(TrackingApiError);
		expect(error).toMatchObject({ code, retryable: false });
		expect(requests).toHaveLength(1);
	});

	it('gives up after the configured attempts with the last error', async () => {
		const { transport, requests } = scripted([k100Code('502')]);
		await expect(kuaidi100(transport).query(query)).rejects.toMatchObject({ code: '502', retryable: true });
		expect(requests).toHaveLength(3);
	});

	it.each([
		['a network failure', new TransportError('network', 'ECONNRESET'), 'NETWORK'],
		['a timeout', new TransportError('timeout', 'too slow'), 'TIMEOUT'],
		['an unknown transport exception', new TypeError('fetch failed'), 'NETWORK'],
	])('retries %s', async (_name, failure, code) => {
		const { transport, requests } = scripted([failure, failure, OK_QUERY]);
		await expect(kuaidi100(transport).query(query)).resolves.toMatchObject({ com: 'yuantong' });
		expect(requests).toHaveLength(3);
		const always = scripted([failure]);
		await expect(kuaidi100(always.transport).query(query)).rejects.toMatchObject({ code, retryable: true });
		expect(always.requests).toHaveLength(3);
	});

	it('retries HTTP 5xx pages but not HTTP 404 or broken JSON', async () => {
		const bad = scripted([{ status: 502, body: '<html>Bad Gateway</html>' }, OK_QUERY]);
		await expect(kuaidi100(bad.transport).query(query)).resolves.toBeTruthy();
		expect(bad.requests).toHaveLength(2);
		const missing = scripted([{ status: 404, body: 'Not Found' }, OK_QUERY]);
		await expect(kuaidi100(missing.transport).query(query)).rejects.toMatchObject({ code: 'HTTP_404', retryable: false });
		expect(missing.requests).toHaveLength(1);
		const broken = scripted([{ status: 200, body: '{"message":"ok","data":[' }, OK_QUERY]);
		await expect(kuaidi100(broken.transport).query(query)).rejects.toMatchObject({ code: 'BAD_RESPONSE', retryable: false });
		expect(broken.requests).toHaveLength(1);
	});

	it('retries KeyDelivery 500 but not 104, 401 or 60101', async () => {
		const kd = (transport: HttpTransport) =>
			new KeyDeliveryClient({ apiKey: 'A', secret: 'S', baseUrl: 'http://kd.invalid', retry: options(3), sleep }, transport);
		const ok = k100({ code: 200, message: 'OK', data: { carrier_id: 'usps', tracking_number: 'X', items: [] } });
		const server = scripted([k100({ code: 500, message: 'Internal Server Error' }), ok]);
		await expect(kd(server.transport).realtime({ carrier_id: 'usps', tracking_number: 'X' })).resolves.toMatchObject({ items: [] });
		expect(server.requests).toHaveLength(2);
		for (const code of [104, 401, 60101]) {
			const once = scripted([k100({ code, message: 'x' }), ok]);
			await expect(kd(once.transport).realtime({ carrier_id: 'usps', tracking_number: 'X' })).rejects.toMatchObject({ code: String(code), retryable: false });
			expect(once.requests).toHaveLength(1);
		}
	});

	it('callWithRetry passes TrackingApiErrors thrown by the transport through unchanged', async () => {
		const own = new TrackingApiError({ provider: 'kuaidi100', code: 'INVALID_INPUT', explanation: { meaning: 'm', remedy: 'r', retryable: false } });
		const { transport, requests } = scripted([own]);
		await expect(callWithRetry('kuaidi100', transport, { method: 'GET', url: 'http://x.invalid', headers: {}, timeoutMs: 1 }, () => 1, { retry: options(3), sleep })).rejects.toBe(own);
		expect(requests).toHaveLength(1);
	});
});
