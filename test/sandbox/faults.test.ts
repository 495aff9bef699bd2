import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { kuaidi100Fields, postForm, postKeyDelivery, send } from './helpers';

const YT = { com: 'yuantong', num: 'YT7450353838751' };
const USPS = { carrier_id: 'usps', tracking_number: 'LY811679807CN' };

describe('failNext', () => {
	let sandbox: Sandbox;
	beforeEach(async () => {
		sandbox = await startSandbox({ enforceLockout: false });
	});
	afterEach(async () => await sandbox.close());
	const query = async () => await postForm(`${sandbox.kuaidi100BaseUrl}/poll/query.do`, kuaidi100Fields(YT));
	const realtime = async () => await postKeyDelivery(sandbox.keyDeliveryBaseUrl, '/api/v1/tracking/realtime', USPS);

	it('answers a scripted provider code once, then normally', async () => {
		sandbox.failNext('kuaidi100', { code: '502' });
		expect(JSON.parse((await query()).text)).toEqual({ result: false, returnCode: '502', message: '服务器繁忙' });
		expect(JSON.parse((await query()).text)).toMatchObject({ status: '200' });
	});

	it('honours times and path', async () => {
		sandbox.failNext('kuaidi100', { code: 501, times: 2, path: '/poll/maptrack.do' });
		expect(JSON.parse((await query()).text)).toMatchObject({ status: '200' });
		const map = async () => JSON.parse((await postForm(`${sandbox.kuaidi100BaseUrl}/poll/maptrack.do`, kuaidi100Fields(YT))).text) as Record<string, unknown>;
		expect(await map()).toMatchObject({ returnCode: '501' });
		expect(await map()).toMatchObject({ returnCode: '501' });
		expect(await map()).toMatchObject({ status: '200' });
	});

	it('faults are per provider', async () => {
		sandbox.failNext('keydelivery', { code: 500 });
		expect(JSON.parse((await query()).text)).toMatchObject({ status: '200' });
		expect(JSON.parse((await realtime()).text)).toEqual({ code: 500, message: 'Internal Server Error' });
		expect(JSON.parse((await realtime()).text)).toMatchObject({ code: 200 });
	});

	it('subscribe faults use the subscribe messages', async () => {
		sandbox.failNext('kuaidi100', { code: '701' });
		const reply = await postForm(`${sandbox.kuaidi100BaseUrl}/poll`, { schema: 'json', param: '{}' });
		expect(JSON.parse(reply.text)).toEqual({ result: false, returnCode: '701', message: '拒绝订阅的快递公司' });
	});

	it('broken bodies are HTTP 200 with unparsable JSON', async () => {
		sandbox.failNext('kuaidi100', { brokenBody: true });
		sandbox.failNext('keydelivery', { brokenBody: true });
		for (const reply of [await query(), await realtime()]) {
			expect(reply.status).toBe(200);
			expect(() => JSON.parse(reply.text)).toThrow();
		}
	});

	it('an HTTP status alone gives an HTML error page', async () => {
		sandbox.failNext('keydelivery', { httpStatus: 502 });
		const reply = await realtime();
		expect(reply.status).toBe(502);
		expect(reply.text).toContain('502 Bad Gateway');
	});

	it('an HTTP status with a code gives the envelope with that status', async () => {
		sandbox.failNext('kuaidi100', { httpStatus: 503, code: '502' });
		const reply = await query();
		expect(reply.status).toBe(503);
		expect(JSON.parse(reply.text)).toMatchObject({ returnCode: '502' });
	});

	it('reset drops the connection without an answer', async () => {
		sandbox.failNext('kuaidi100', { reset: true });
		await expect(query()).rejects.toThrow();
		expect(JSON.parse((await query()).text)).toMatchObject({ status: '200' });
		expect(sandbox.requests.filter((r) => r.path === '/poll/query.do')).toHaveLength(2);
	});

	it('a delay alone still answers normally afterwards', async () => {
		sandbox.failNext('keydelivery', { delayMs: 50 });
		expect(JSON.parse((await realtime()).text)).toMatchObject({ code: 200 });
	});

	it('a request abandoned during a delay has no side effect (no lockout recorded)', async () => {
		const locking = await startSandbox();
		try {
			locking.failNext('kuaidi100', { delayMs: 300 });
			const body = new URLSearchParams(kuaidi100Fields(YT)).toString();
			await expect(
				fetch(`${locking.kuaidi100BaseUrl}/poll/query.do`, {
					method: 'POST',
					headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
					body,
					signal: AbortSignal.timeout(50),
				}),
			).rejects.toThrow();
			// Let the delayed handler wake up: had it processed the abandoned query, the number would now be locked.
			await new Promise((resolve) => setTimeout(resolve, 600));
			const again = await postForm(`${locking.kuaidi100BaseUrl}/poll/query.do`, kuaidi100Fields(YT));
			expect(JSON.parse(again.text)).toMatchObject({ status: '200' });
		} finally {
			await locking.close();
		}
	});

	it('close() stops answering even with a reply pending', async () => {
		sandbox.failNext('kuaidi100', { delayMs: 10_000 });
		const pending = query().then(
			() => 'answered',
			() => 'failed',
		);
		await new Promise((resolve) => setTimeout(resolve, 50));
		await sandbox.close();
		expect(await pending).toBe('failed');
		await expect(send(`${sandbox.kuaidi100BaseUrl}/poll/query.do`, { body: '' })).rejects.toThrow();
	});
});
