import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Kuaidi100Api } from '../../credentials/Kuaidi100Api.credentials';
import { Kuaidi100 } from '../../nodes/Kuaidi100/Kuaidi100.node';
import type { NormalizedShipment } from '../../src/normalize/shipment';
import { SANDBOX_KUAIDI100, startSandbox, type Sandbox } from '../../src/sandbox';
import { executeNode, testCredential } from '../harness/n8n';

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();
const SEED = 'YT7450353838751';

let sandbox: Sandbox;

// A fresh sandbox per test: scripted faults and subscriptions never leak between tests.
// Lockout off: tests query the same sample numbers; one test turns it on itself.
beforeEach(async () => {
	sandbox = await startSandbox({ enforceLockout: false, revealSteps: 100 });
});
afterEach(async () => await sandbox.close());

/** A forwarding proxy that counts how many requests are in flight at once. */
async function inFlightProbe(target: string): Promise<{ url: string; max: () => number; close: () => Promise<void> }> {
	let current = 0;
	let max = 0;
	const server: Server = createServer(async (req, res) => {
		current++;
		max = Math.max(max, current);
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const reply = await fetch(target + req.url, {
			method: req.method,
			headers: { 'content-type': String(req.headers['content-type'] ?? '') },
			body: req.method === 'POST' ? Buffer.concat(chunks) : undefined,
		});
		const body = await reply.text();
		current--;
		res.writeHead(reply.status, { 'content-type': reply.headers.get('content-type') ?? 'application/json' }).end(body);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return { url: `http://127.0.0.1:${port}`, max: () => max, close: async () => await new Promise<void>((r) => server.close(() => r())) };
}

function credentials(overrides: Record<string, string> = {}) {
	return {
		kuaidi100Api: {
			customer: SANDBOX_KUAIDI100.customer,
			key: SANDBOX_KUAIDI100.key,
			salt: SANDBOX_KUAIDI100.salt,
			baseUrl: sandbox.kuaidi100BaseUrl,
			autonumberBaseUrl: sandbox.kuaidi100AutonumberBaseUrl,
			...overrides,
		},
	};
}

async function run(parameters: Record<string, unknown>, options: { items?: Array<Record<string, unknown>>; continueOnFail?: boolean; credentials?: Record<string, string> } = {}) {
	return await executeNode({
		nodeType: new Kuaidi100(),
		credentialTypes: [new Kuaidi100Api()],
		credentials: credentials(options.credentials),
		parameters: { options: { attempts: 3, timeoutMs: 2000 }, ...parameters } as never,
		items: (options.items ?? [{}]).map((json) => ({ json: json as never })),
		continueOnFail: options.continueOnFail,
	});
}

const queryRequests = () => sandbox.requests.filter((r) => r.path === '/poll/query.do');

describe('Kuaidi100 node: Custom API Call', () => {
	it('the operation n8n adds, run on the node itself, says it belongs in an HTTP Request node and sends nothing', async () => {
		const result = await run({ operation: '__CUSTOM_API_CALL__' });
		expect(result.error?.message).toBe('Custom API Call runs in an HTTP Request node, not in this node');
		expect(result.error?.description).toMatch(/Predefined Credential Type/);
		expect(sandbox.requests).toHaveLength(0);
	});
});

describe('Kuaidi100 node: Query', () => {
	it('signs the request as Kuaidi100 checks it and returns the normalized shipment (Simplified)', async () => {
		const result = await run({ operation: 'query', carrierCode: 'yuantong', trackingNumber: `  ${SEED} ` });
		expect(result.error).toBeUndefined();
		const [request] = queryRequests();
		expect(request.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
		const form = new URLSearchParams(request.rawBody);
		const param = form.get('param')!;
		expect(form.get('customer')).toBe(SANDBOX_KUAIDI100.customer);
		expect(form.get('sign')).toBe(md5(param + SANDBOX_KUAIDI100.key + SANDBOX_KUAIDI100.customer));
		expect(JSON.parse(param)).toMatchObject({ com: 'yuantong', num: SEED, resultv2: '4', show: '0' });

		expect(result.items).toHaveLength(1);
		const shipment = result.items[0].json as unknown as NormalizedShipment;
		expect(shipment).toMatchObject({
			provider: 'kuaidi100',
			carrier: 'yuantong',
			tracking_number: SEED,
			shipment_status: 'delivered',
			status_code: '304',
			delivered: true,
			terminal: true,
			event_count: 12,
			last_event_time: '2024-03-09T02:47:53.000Z',
		});
		expect(shipment.events[0]).toMatchObject({ status: 'delivered', status_code: '304', event_time_local: '2024-03-09 10:47:53', area_code: '', longitude: null });
		expect(shipment.events[2]).toMatchObject({ status: 'out_for_delivery', longitude: 117.139343, latitude: 39.217817, area_code: 'CN120113000000' });
		const expectedId = createHash('sha256')
			.update(['kuaidi100', 'yuantong', SEED, '2024-03-09T02:47:53.000Z', '304', shipment.events[0].description].join('|'))
			.digest('hex');
		expect(shipment.events[0].event_id).toBe(expectedId);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});

	it('outputs one item per event (Events) and the untouched reply (Raw)', async () => {
		const events = await run({ operation: 'query', carrierCode: 'yuantong', trackingNumber: SEED, output: 'events' });
		expect(events.items).toHaveLength(12);
		expect(events.items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(Object.keys(events.items[0].json).slice(0, 5)).toEqual(['event_id', 'provider', 'carrier', 'tracking_number', 'event_time']);

		const raw = await run({ operation: 'query', carrierCode: 'yuantong', trackingNumber: SEED, output: 'raw' });
		expect(raw.items[0].json).toMatchObject({ nu: SEED, com: 'yuantong', state: '304', status: '200' });
		expect((raw.items[0].json.data as unknown[]).length).toBe(12);
	});

	it('sends every optional parameter the service accepts', async () => {
		await run({
			operation: 'query',
			carrierCode: 'shunfeng',
			trackingNumber: 'SF1403829177352',
			phone: '5678',
			queryOptions: { from: '广东省深圳市', to: '北京市朝阳区', resultv2: '8', order: 'asc', lang: 'en' },
		});
		const param = JSON.parse(new URLSearchParams(queryRequests()[0].rawBody).get('param')!);
		expect(param).toEqual({ com: 'shunfeng', num: 'SF1403829177352', phone: '5678', from: '广东省深圳市', to: '北京市朝阳区', resultv2: '8', show: '0', order: 'asc', lang: 'en' });
	});

	it('queries a tracking number repeated across items once, and answers every item', async () => {
		const result = await run(
			{ operation: 'query', carrierCode: '={{ $json.carrier }}', trackingNumber: '={{ $json.number }}' },
			{ items: [{ number: SEED, carrier: 'yuantong' }, { number: '78912345678901', carrier: 'zhongtong' }, { number: SEED, carrier: 'yuantong' }] },
		);
		expect(result.error).toBeUndefined();
		expect(queryRequests()).toHaveLength(2);
		expect(result.items.map((item) => [item.pairedItem, item.json.tracking_number])).toEqual([
			[{ item: 0 }, SEED],
			[{ item: 1 }, '78912345678901'],
			[{ item: 2 }, SEED],
		]);
	});

	it('keeps at most the configured number of requests in flight, results in input order', async () => {
		const numbers = ['YT7450353838751', '78912345678901', '4312345678901', 'LZ123456789US', '5566778899', 'JD0012345678901'];
		const carriers = ['yuantong', 'zhongtong', 'yunda', 'usps', 'dhl', 'jd'];
		for (let i = 0; i < numbers.length; i++) sandbox.failNext('kuaidi100', { delayMs: 100, path: '/poll/query.do' });
		const probe = await inFlightProbe(sandbox.kuaidi100BaseUrl);
		try {
			const result = await run(
				{ operation: 'query', carrierCode: '={{ $json.carrier }}', trackingNumber: '={{ $json.number }}', options: { concurrency: 2 } },
				{ items: numbers.map((number, i) => ({ number, carrier: carriers[i] })), continueOnFail: true, credentials: { baseUrl: probe.url } },
			);
			expect(result.items.map((item) => (item.pairedItem as { item: number }).item)).toEqual([0, 1, 2, 3, 4, 5]);
			// The last number has no events yet: an error item in its place, the others still answered.
			expect(result.items.map((item) => item.json.tracking_number ?? item.json.code)).toEqual([...numbers.slice(0, 5), '500']);
			expect(probe.max()).toBe(2);
		} finally {
			await probe.close();
		}
	});
});

describe('Kuaidi100 node: validation before any request', () => {
	const cases: Array<[string, Record<string, string>, RegExp]> = [
		['a too short tracking number', { carrierCode: 'yuantong', trackingNumber: ' 12345 ' }, /"12345" has 5 characters; it must have 6 to 32/],
		['a too long tracking number', { carrierCode: 'yuantong', trackingNumber: 'X'.repeat(33) }, /has 33 characters/],
		['an empty carrier code', { carrierCode: ' ', trackingNumber: SEED }, /carrier code is empty/],
		['an upper-case carrier code', { carrierCode: 'YuanTong', trackingNumber: SEED }, /must be lower case: use "yuantong"/],
		['SF Express without phone', { carrierCode: 'shunfeng', trackingNumber: 'SF1403829177352' }, /requires the sender's or recipient's phone/],
		['SF Freight without phone', { carrierCode: 'shunfengkuaiyun', trackingNumber: 'SFKY8801234567' }, /requires the sender's or recipient's phone/],
	];
	for (const [name, parameters, message] of cases) {
		it(`rejects ${name} with a per-item error and sends nothing`, async () => {
			const result = await run({ operation: 'query', ...parameters });
			expect(result.error?.message).toMatch(/^Invalid input in item 0: /);
			expect(result.error?.message).toMatch(message);
			expect(sandbox.requests).toHaveLength(0);
		});
	}

	it('under Continue On Fail, a bad item becomes an error item and the good ones still run', async () => {
		const result = await run(
			{ operation: 'query', carrierCode: 'yuantong', trackingNumber: '={{ $json.number }}' },
			{ items: [{ number: SEED }, { number: '123' }], continueOnFail: true },
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.tracking_number).toBe(SEED);
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
		expect(result.items[1].json.error).toMatch(/Invalid input in item 1: The tracking number "123" has 3 characters/);
		expect(queryRequests()).toHaveLength(1);
	});
});

describe('Kuaidi100 node: service errors', () => {
	const errorCases: Array<[string, RegExp, number]> = [
		['400', /Bad request: the carrier code was not found/, 1],
		['408', /Phone verification failed/, 1],
		['500', /No tracking result yet/, 1],
		['503', /Signature verification failed: the Customer or the Key is wrong/, 1],
		['601', /key has expired or the account has no quota/, 1],
		['501', /Kuaidi100 server error/, 3],
		['502', /Kuaidi100 server busy/, 3],
	];
	for (const [code, meaning, attempts] of errorCases) {
		it(`turns code ${code} into a per-item error with meaning and remedy (${attempts} attempt(s))`, async () => {
			sandbox.failNext('kuaidi100', { code, path: '/poll/query.do', times: 3 });
			const result = await run({ operation: 'query', carrierCode: 'yuantong', trackingNumber: SEED, options: { attempts: 3, timeoutMs: 2000 } });
			expect(result.error?.message).toMatch(new RegExp(`^Kuaidi100 error ${code} in item 0: `));
			expect(result.error?.message).toMatch(meaning);
			expect(result.error?.description).toMatch(/\w/);
			expect(queryRequests()).toHaveLength(attempts);
		});
	}

	it('retries a busy server and succeeds on the next attempt', async () => {
		sandbox.failNext('kuaidi100', { code: '502', path: '/poll/query.do', times: 1 });
		const result = await run({ operation: 'query', carrierCode: 'yuantong', trackingNumber: SEED });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.shipment_status).toBe('delivered');
		expect(queryRequests()).toHaveLength(2);
	});

	it('retries slow replies as timeouts, then reports the timeout', async () => {
		sandbox.failNext('kuaidi100', { delayMs: 1500, path: '/poll/query.do', times: 2 });
		const result = await run({ operation: 'query', carrierCode: 'yuantong', trackingNumber: SEED, options: { attempts: 2, timeoutMs: 1000 } });
		expect(result.error?.message).toMatch(/^Kuaidi100 error TIMEOUT in item 0: The service did not answer in time/);
		expect(queryRequests()).toHaveLength(2);
	});

	it('reports a broken body without retrying it', async () => {
		sandbox.failNext('kuaidi100', { brokenBody: true, path: '/poll/query.do' });
		const result = await run({ operation: 'query', carrierCode: 'yuantong', trackingNumber: SEED });
		expect(result.error?.message).toMatch(/^Kuaidi100 error BAD_RESPONSE in item 0: /);
		expect(queryRequests()).toHaveLength(1);
	});

	it('rejects a wrong key the way the service does (503), and never shows the key', async () => {
		const result = await run({ operation: 'query', carrierCode: 'yuantong', trackingNumber: SEED }, { credentials: { key: 'wrong-secret-key' } });
		expect(result.error?.message).toMatch(/Kuaidi100 error 503/);
		expect(JSON.stringify(result.error)).not.toContain('wrong-secret-key');
	});

	it('under Continue On Fail, outputs the error with its code so a workflow can branch on it', async () => {
		sandbox.failNext('kuaidi100', { code: '500', path: '/poll/query.do' });
		const result = await run({ operation: 'query', carrierCode: 'yuantong', trackingNumber: SEED }, { continueOnFail: true });
		expect(result.items[0]).toMatchObject({ pairedItem: { item: 0 }, json: { code: '500', retryable: false } });
	});

	it('respects the lockout: the second query of a number within 30 minutes is refused by the service', async () => {
		const locked = await startSandbox({ enforceLockout: true });
		try {
			const params = { operation: 'query', carrierCode: 'yuantong', trackingNumber: SEED };
			const creds = { baseUrl: locked.kuaidi100BaseUrl };
			expect((await run(params, { credentials: creds })).error).toBeUndefined();
			const second = await run(params, { credentials: creds });
			expect(second.error?.message).toMatch(/Kuaidi100 error 400/);
			// The reply says "locked": lockout advice, not the wrong-carrier advice 400 gets otherwise.
			expect(second.error?.message).toMatch(/The number is locked/);
			expect(second.error?.description).toMatch(/at least 30 minutes/);
			expect(second.error?.description).not.toMatch(/Check the carrier code/);
		} finally {
			await locked.close();
		}
	});
});

describe('Kuaidi100 node: Subscribe, Detect Carrier, Get Map Track', () => {
	it('subscribes with the callback URL and the credential salt; a repeat reports already subscribed', async () => {
		const parameters = {
			operation: 'subscribe',
			carrierCode: 'yuantong',
			trackingNumber: SEED,
			callbackUrl: 'https://n8n.example.com/webhook/abc/tracking?orderId=1001',
			subscribeOptions: { phone: '1011', to: '天津' },
		};
		const first = await run(parameters);
		expect(first.error).toBeUndefined();
		expect(first.items[0].json).toMatchObject({ subscribed: true, already_subscribed: false, signed_pushes: true });
		const request = sandbox.requests.find((r) => r.path === '/poll')!;
		const form = new URLSearchParams(request.rawBody);
		expect(form.get('schema')).toBe('json');
		expect(JSON.parse(form.get('param')!)).toMatchObject({
			company: 'yuantong',
			number: SEED,
			to: '天津',
			key: SANDBOX_KUAIDI100.key,
			parameters: { callbackurl: 'https://n8n.example.com/webhook/abc/tracking?orderId=1001', salt: SANDBOX_KUAIDI100.salt, resultv2: '4', phone: '1011' },
		});
		const second = await run(parameters);
		expect(second.items[0].json).toMatchObject({ subscribed: true, already_subscribed: true });
		// The key travels inside the request, never in the output.
		expect(JSON.stringify([first.items, second.items])).not.toContain(SANDBOX_KUAIDI100.key);
	});

	it('rejects a callback URL that is not http(s) before any request', async () => {
		const result = await run({ operation: 'subscribe', carrierCode: 'yuantong', trackingNumber: SEED, callbackUrl: 'ftp://example.com/x' });
		expect(result.error?.message).toMatch(/Callback URL "ftp:\/\/example.com\/x" must start with http/);
		expect(sandbox.requests).toHaveLength(0);
	});

	it('detects the carrier of a number', async () => {
		const result = await run({ operation: 'detectCarrier', trackingNumber: SEED });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ tracking_number: SEED, carrier: 'yuantong' });
		const request = sandbox.requests.find((r) => r.path === '/autonumber/auto')!;
		expect(request.query).toEqual({ num: SEED, key: SANDBOX_KUAIDI100.key });
	});

	it('gets the map track with its map page URL', async () => {
		const result = await run({ operation: 'getMapTrack', carrierCode: 'yuantong', trackingNumber: SEED });
		expect(result.error).toBeUndefined();
		expect(sandbox.requests[0].path).toBe('/poll/maptrack.do');
		expect(result.items[0].json).toMatchObject({ shipment_status: 'delivered', trail_url: expect.stringMatching(/^https?:\/\//) });
	});
});

describe('Kuaidi100 credential test', () => {
	const check = async (data: Record<string, string>) =>
		await testCredential({
			nodeType: new Kuaidi100(),
			testedBy: 'kuaidi100ApiTest',
			credentialType: 'kuaidi100Api',
			credentialTypes: [new Kuaidi100Api()],
			data: { ...credentials().kuaidi100Api, ...data },
		});

	it('accepts a working credential', async () => {
		expect(await check({})).toEqual({ status: 'OK', message: expect.stringMatching(/accepted the Customer and Key/) });
	});

	it('tells a wrong key or customer (503)', async () => {
		expect(await check({ key: 'not-the-key' })).toEqual({ status: 'Error', message: expect.stringMatching(/Wrong Customer or Key.*503/) });
		expect(await check({ customer: 'SOMEONEELSE' })).toEqual({ status: 'Error', message: expect.stringMatching(/Wrong Customer or Key/) });
	});

	it('tells an expired key (601)', async () => {
		sandbox.setCredentials({ kuaidi100KeyExpired: true });
		try {
			expect(await check({})).toEqual({ status: 'Error', message: expect.stringMatching(/expired.*601/) });
		} finally {
			sandbox.setCredentials({ kuaidi100KeyExpired: false });
		}
	});
});

describe('Kuaidi100 node: account errors', () => {
	it('stops sending once the account is refused: the remaining items get the same error unsent', async () => {
		const numbers = ['YT7450353838751', '78912345678901', '4312345678901', 'LZ123456789US', '5566778899'];
		const carriers = ['yuantong', 'zhongtong', 'yunda', 'usps', 'dhl'];
		const result = await run(
			{ operation: 'query', carrierCode: '={{ $json.carrier }}', trackingNumber: '={{ $json.number }}', options: { concurrency: 1 } },
			{ items: numbers.map((number, i) => ({ number, carrier: carriers[i] })), continueOnFail: true, credentials: { key: 'wrong-key' } },
		);
		expect(queryRequests()).toHaveLength(1);
		expect(result.items.map((item) => [item.pairedItem, item.json.code])).toEqual(numbers.map((_, i) => [{ item: i }, '503']));
	});
});
