import { readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { fetchTransport, type HttpTransport } from '../../src/core/http';
import { EXIT, InterruptedError } from '../../src/exporter/exit-codes';
import { runIdOf } from '../../src/exporter/emit/object-layout';
import type { RunSummary } from '../../src/exporter/run/run-summary';
import { Kuaidi100Client } from '../../src/kuaidi100/client';
import { SANDBOX_KUAIDI100, sampleShipments, type Sandbox } from '../../src/sandbox';
import { expectContract } from './contract';
import {
	BUCKET,
	Clock,
	SECRETS,
	expectedEventIds,
	getBytes,
	harness,
	headObject,
	listKeys,
	readCsvObject,
	sandboxAt,
	shipmentsCsv,
	tempDir,
	testConfig,
	writeShipments,
	useLocalS3,
} from './helpers';

const START = Date.parse('2024-03-10T02:00:00Z');

const local = useLocalS3();
const cleanups = local.cleanups;

async function setup(options: { shipments?: ReturnType<typeof sampleShipments> } = {}) {
	const clock = new Clock(START);
	const sandbox = await sandboxAt(clock, options.shipments ? { shipments: options.shipments } : {});
	const dir = await tempDir();
	cleanups.push(async () => {
		await sandbox.close();
		await rm(dir, { recursive: true, force: true });
	});
	await writeShipments(dir, options.shipments ?? sampleShipments());
	const config = await testConfig(sandbox, local.s3.endpoint, dir);
	const h = harness(clock, local.s3);
	const prefix = `${path.basename(dir)}/`;
	return { clock, sandbox, dir, config, h, prefix };
}

/** Kuaidi100 queries of one number less than 30 minutes (sandbox clock) after the previous one. */
function lockoutReplies(sandbox: Sandbox): number {
	const last = new Map<string, number>();
	let violations = 0;
	for (const request of sandbox.requests) {
		if (request.provider !== 'kuaidi100' || request.path !== '/poll/query.do') continue;
		const param = JSON.parse(new URLSearchParams(request.rawBody).get('param') ?? '{}') as { com?: string; num?: string };
		const key = `${param.com}:${param.num}`;
		const at = Date.parse(request.receivedAt);
		const previous = last.get(key);
		if (previous !== undefined && at - previous < 30 * 60_000) violations++;
		last.set(key, at);
	}
	return violations;
}

async function exportedIds(keys: string[]): Promise<string[]> {
	const ids: string[] = [];
	for (const key of keys.filter((k) => /\.csv(\.gz)?$/.test(k))) {
		ids.push(...(await readCsvObject(local.s3.client, key)).rows.map((row) => row.event_id));
	}
	return ids;
}

function dataKeys(keys: string[]): string[] {
	return keys.filter((k) => /\/dt=\d{4}-\d{2}-\d{2}\/[^/]+\.csv(\.gz)?$/.test(k));
}

describe('tracking export against s3rver and the sandbox', () => {
	it('exports every visible event of every shipment, as the contract says, with a manifest and a committed state', async () => {
		const { sandbox, config, h, prefix, dir } = await setup();
		const summary = await h.run(config);
		expect(summary.error).toBeUndefined();
		expect(summary.status).toBe('ok');
		expect(summary.exitCode).toBe(EXIT.OK);
		const runId = runIdOf(new Date(START));
		expect(summary.runId).toBe('20240310T020000Z');

		const keys = await listKeys(local.s3.client, prefix);
		const dataKey = `${prefix}events/dt=2024-03-10/${runId}.csv`;
		const manifestKey = `${prefix}events/_manifests/dt=2024-03-10/${runId}.manifest`;
		expect(keys).toEqual([manifestKey, dataKey].sort());

		const object = await readCsvObject(local.s3.client, dataKey);
		expectContract(object, runId);
		const ids = object.rows.map((row) => row.event_id);
		expect(new Set(ids).size).toBe(ids.length);
		expect([...ids].sort()).toEqual(expectedEventIds(sandbox));
		expect(summary.events.new).toBe(ids.length);
		expect(summary.objects).toEqual([
			{ url: `s3://${BUCKET}/${dataKey}`, key: dataKey, bytes: (await headObject(local.s3.client, dataKey)).size, rows: ids.length },
		]);

		const manifest = JSON.parse((await getBytes(local.s3.client, manifestKey)).toString('utf8')) as {
			entries: Array<{ url: string; mandatory: boolean; meta: { content_length: number; record_count: number } }>;
		};
		expect(manifest.entries).toEqual([
			{ url: `s3://${BUCKET}/${dataKey}`, mandatory: true, meta: { content_length: summary.bytes, record_count: ids.length } },
		]);

		const state = JSON.parse(await readFile(path.join(dir, 'state.json'), 'utf8')) as {
			shipments: Record<string, { lastQueriedAt: string; lastMilestone: string; exported: string[] }>;
			runs: Array<{ runId: string }>;
		};
		expect(state.runs.map((r) => r.runId)).toEqual([runId]);
		const yuantong = state.shipments['kuaidi100:yuantong:YT7450353838751'];
		expect(yuantong.lastQueriedAt).toBe('2024-03-10T02:00:00.000Z');
		expect(yuantong.exported).toHaveLength(2);
		expect(summary.shipments).toMatchObject({ listed: 14, badRows: 0, due: 14, queried: 14, failed: 0, skippedLockout: 0 });
		expect(lockoutReplies(sandbox)).toBe(0);
		// The journal holds no run in flight once the state is committed.
		const journal = JSON.parse(await readFile(path.join(dir, 'state.journal.json'), 'utf8')) as { inflight?: unknown };
		expect(journal.inflight).toBeUndefined();
	});

	it('exports only new events in the next run, skips Kuaidi100 numbers queried in the last 30 minutes, and stops polling finished shipments', async () => {
		const { sandbox, config, h, prefix, clock } = await setup();
		const first = await h.run(config);
		expect(first.status).toBe('ok');

		// Ten minutes later: the timelines moved, but Kuaidi100 numbers must wait.
		sandbox.advance();
		clock.advanceMinutes(10);
		const before = sandbox.requests.length;
		const second = await h.run(config);
		expect(second.status).toBe('ok');
		expect(second.shipments.skippedLockout).toBe(8);
		expect(sandbox.requests.slice(before).filter((r) => r.provider === 'kuaidi100')).toHaveLength(0);
		expect(second.shipments.queried).toBe(6);

		// Forty minutes after the first run: all due again; then many steps on, until delivered.
		clock.advanceMinutes(30);
		const third = await h.run(config);
		expect(third.status).toBe('ok');
		expect(third.shipments.skippedLockout).toBe(0);

		for (let i = 0; i < 14; i++) {
			sandbox.advance();
			clock.advanceMinutes(31);
			expect((await h.run(config)).status).toBe('ok');
		}
		const last = h.reporter.summaries.at(-1) as RunSummary;
		// Delivered, returned and cancelled shipments are not polled any more.
		expect(last.shipments.skippedTerminal).toBeGreaterThan(5);

		const keys = await listKeys(local.s3.client, prefix);
		const ids = await exportedIds(dataKeys(keys));
		expect(new Set(ids).size).toBe(ids.length);
		// Everything up to each shipment's first terminal event; events a carrier adds
		// after "delivered" are not polled for (the contract's terminal milestones).
		expect([...ids].sort()).toEqual(expectedEventIds(sandbox, { stopAtTerminal: true }));
		expect(expectedEventIds(sandbox).length).toBeGreaterThan(ids.length);
		expect(lockoutReplies(sandbox)).toBe(0);
		// Every object but the last runs' (no new events) has its manifest.
		for (const key of dataKeys(keys)) {
			const runId = path.basename(key).replace(/\.csv$/, '');
			expect(keys.some((k) => k.endsWith(`_manifests/dt=${key.split('dt=')[1].slice(0, 10)}/${runId}.manifest`))).toBe(true);
		}
	});

	it('keeps the 30-minute rule across a crash and a restart: a run that dies before its commit still counts as a query', async () => {
		const { sandbox, config, h, clock } = await setup();
		const crashed = await h.run(config, clock.now(), {
			hooks: {
				beforeCommit: () => {
					throw new Error('simulated crash');
				},
			},
		});
		expect(crashed.status).toBe('failed');

		// Restart five minutes later: a new process, the same state and journal.
		clock.advanceMinutes(5);
		const before = sandbox.requests.length;
		const restarted = await h.run(config);
		expect(restarted.status).toBe('ok');
		expect(restarted.shipments.skippedLockout).toBe(8);
		expect(sandbox.requests.slice(before).filter((r) => r.provider === 'kuaidi100')).toHaveLength(0);

		clock.advanceMinutes(26);
		const later = await h.run(config);
		expect(later.shipments.skippedLockout).toBe(0);
		expect(lockoutReplies(sandbox)).toBe(0);
	});

	it('after a crash between upload and commit, the next run adopts the object: no event lost, none exported twice', async () => {
		const { sandbox, config, h, prefix, clock, dir } = await setup();
		const stateBefore = await readFile(path.join(dir, 'state.json'), 'utf8').catch(() => null);
		const crashed = await h.run(config, clock.now(), {
			hooks: {
				beforeCommit: () => {
					throw new Error('simulated crash after the upload');
				},
			},
		});
		expect(crashed.status).toBe('failed');
		expect(crashed.exitCode).toBe(EXIT.FAILED);
		expect(crashed.objects).toHaveLength(1);
		expect(await readFile(path.join(dir, 'state.json'), 'utf8').catch(() => null)).toBe(stateBefore);

		// A retry of the same slot adopts the object and has nothing more to do.
		const retry = await h.run(config, new Date(START));
		expect(retry.status).toBe('already-done');
		expect(retry.recovered?.runId).toBe(crashed.runId);
		expect(retry.recovered?.events).toBe(crashed.events.new);

		// The next slot exports only what is new since.
		sandbox.advance();
		clock.advanceMinutes(60);
		const next = await h.run(config);
		expect(next.status).toBe('ok');
		expect(next.events.duplicate).toBeGreaterThan(0);

		const keys = dataKeys(await listKeys(local.s3.client, prefix));
		expect(keys).toHaveLength(2);
		const ids = await exportedIds(keys);
		expect(new Set(ids).size).toBe(ids.length);
		expect([...ids].sort()).toEqual(expectedEventIds(sandbox));
	});

	it('after a crash between upload and commit, a run for a later slot adopts the (gzip) object first', async () => {
		const setupResult = await setup();
		const { sandbox, h, prefix, clock } = setupResult;
		const config = { ...setupResult.config, gzip: true };
		await h.run(config, clock.now(), {
			hooks: {
				beforeCommit: () => {
					throw new Error('simulated crash');
				},
			},
		});
		sandbox.advance();
		clock.advanceMinutes(45);
		const next = await h.run(config);
		expect(next.status).toBe('ok');
		expect(next.recovered?.events).toBeGreaterThan(0);
		const keys = dataKeys(await listKeys(local.s3.client, prefix));
		expect(keys).toHaveLength(2);
		const ids = await exportedIds(keys);
		expect(new Set(ids).size).toBe(ids.length);
		expect([...ids].sort()).toEqual(expectedEventIds(sandbox));
	});

	it('runs without a disk: shipment list and state in S3', async () => {
		const { config, h, prefix, clock, sandbox } = await setup();
		await local.s3.client.send(
			new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}input/shipments.csv`, Body: shipmentsCsv(sampleShipments()) }),
		);
		const stateless = {
			...config,
			shipments: `s3://${BUCKET}/${prefix}input/shipments.csv`,
			state: `s3://${BUCKET}/${prefix}state/export-state.json`,
		};
		const first = await h.run(stateless);
		expect(first.status).toBe('ok');
		const keys = await listKeys(local.s3.client, `${prefix}state/`);
		expect(keys).toEqual([`${prefix}state/export-state.journal.json`, `${prefix}state/export-state.json`]);
		const state = JSON.parse((await getBytes(local.s3.client, `${prefix}state/export-state.json`)).toString('utf8')) as { runs: unknown[] };
		expect(state.runs).toHaveLength(1);

		sandbox.advance();
		clock.advanceMinutes(40);
		const second = await h.run(stateless);
		expect(second.status).toBe('ok');
		expect(second.events.duplicate).toBe(first.events.new);
		const ids = await exportedIds(dataKeys(await listKeys(local.s3.client, prefix)));
		expect(new Set(ids).size).toBe(ids.length);
		expect([...ids].sort()).toEqual(expectedEventIds(sandbox));
	});

	it('writes gzip that reads back to the same contract rows', async () => {
		const { config, h, prefix } = await setup();
		const summary = await h.run({ ...config, gzip: true });
		expect(summary.status).toBe('ok');
		const key = summary.objects[0].key;
		expect(key).toMatch(new RegExp(`^${prefix}events/dt=2024-03-10/20240310T020000Z\\.csv\\.gz$`));
		const head = await headObject(local.s3.client, key);
		expect(head.contentType).toBe('application/gzip');
		expect(head.size).toBe(summary.bytes);
		const bytes = await getBytes(local.s3.client, key);
		expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
		const object = await readCsvObject(local.s3.client, key);
		expectContract(object, summary.runId);
		expect(object.rows).toHaveLength(summary.events.new);
	});

	it('reports bad rows with their line numbers and exports the good ones', async () => {
		const { config, h, dir, sandbox } = await setup();
		const list = [
			'provider,carrier,tracking_number,phone',
			'kuaidi100,yuantong,YT7450353838751,',
			'dhl-express,dhl,5566778899,', // line 3: unknown provider
			'keydelivery,usps,,', // line 4: no number
			'kuaidi100,shunfeng,SF1403829177352,', // line 5: SF Express without phone
			'kuaidi100,yuantong,YT7450353838751,', // line 6: duplicate of line 2
			'kuaidi100,zhongtong,123,', // line 7: too short
			'keydelivery,dhl,9926933413,,extra,fields', // line 8: too many fields
			'',
			'keydelivery,dhl,9926933413,', // line 10: fine
		].join('\n');
		await writeFile(path.join(dir, 'shipments.csv'), `${list}\n`);
		const summary = await h.run(config);
		expect(summary.status).toBe('ok');
		expect(summary.exitCode).toBe(EXIT.OK);
		expect(summary.shipments.badRows).toBe(6);
		expect(summary.shipments.listed).toBe(2);
		const bad = h.reporter.events('shipments.bad_row').map((r) => [r.line, r.reason]);
		expect(bad.map(([line]) => line)).toEqual([3, 4, 5, 6, 7, 8]);
		expect(String(bad[0][1])).toMatch(/provider "dhl-express"/);
		expect(String(bad[2][1])).toMatch(/"shunfeng" \(SF Express\) requires the sender's or recipient's phone number.*Fill in the phone column/);
		expect(String(bad[3][1])).toMatch(/duplicate of line 2/);
		expect(h.reporter.events('shipments.bad_row')[0].message).toMatch(/shipments\.csv line 3:/);
		const object = await readCsvObject(local.s3.client, summary.objects[0].key);
		expect(new Set(object.rows.map((r) => r.tracking_number))).toEqual(new Set(['YT7450353838751', '9926933413']));
		// --strict turns bad rows into exit code 4.
		sandbox.advance();
		const strict = await h.run({ ...config, strict: true }, new Date(START + 3_600_000));
		expect(strict.exitCode).toBe(EXIT.PARTIAL);
	});

	it('a list bad as a whole stops the run before any query, exit 2: unclosed quote (line where it opened), bytes not UTF-8, a folder', async () => {
		const { config, h, dir, sandbox } = await setup();
		const rows = sampleShipments()
			.slice(0, 9)
			.map((s) => [s.provider, s.carrier, s.trackingNumber, s.phone ?? ''].join(','));
		rows.splice(1, 0, 'kuaidi100,"yuantong,YT7450353838799,'); // line 3: a stray quote
		await writeFile(path.join(dir, 'shipments.csv'), `provider,carrier,tracking_number,phone\n${rows.join('\n')}\n`);
		const quote = await h.run(config);
		expect(quote.status).toBe('config');
		expect(quote.exitCode).toBe(EXIT.CONFIG);
		expect(quote.error).toMatch(/shipments\.csv line 3: a quote \(\"\) opens a field that is never closed/);

		await writeFile(
			path.join(dir, 'shipments.csv'),
			Buffer.concat([Buffer.from('provider,carrier,tracking_number,phone\nkuaidi100,yuantong,YT7450353838751,\nkuaidi100,yuantong,YT'), Buffer.from([0xd4, 0xb2, 0xb1]), Buffer.from('7450353838752,\n')]),
		);
		const encoding = await h.run(config);
		expect(encoding.exitCode).toBe(EXIT.CONFIG);
		expect(encoding.error).toMatch(/is not UTF-8 text \(line 3/);

		const folder = await h.run({ ...config, shipments: dir });
		expect(folder.exitCode).toBe(EXIT.CONFIG);
		expect(folder.error).toMatch(/is a folder, not a file/);

		expect(sandbox.requests).toHaveLength(0);
		await expect(readFile(path.join(dir, 'state.journal.json'), 'utf8')).rejects.toThrow(/ENOENT/);
	});

	it('an empty or header-only list is a warning in the summary, exit 4 with --strict', async () => {
		const { config, h, dir, sandbox, clock } = await setup();
		await writeFile(path.join(dir, 'shipments.csv'), 'provider,carrier,tracking_number\n');
		const headerOnly = await h.run(config);
		expect(headerOnly.status).toBe('ok');
		expect(headerOnly.exitCode).toBe(EXIT.OK);
		expect(headerOnly.warnings).toEqual([expect.stringMatching(/holds no shipment \(empty or header only\)/)]);
		expect(h.reporter.events('shipments.empty')).toHaveLength(1);

		await writeFile(path.join(dir, 'shipments.csv'), '');
		clock.advanceMinutes(60);
		const strict = await h.run({ ...config, strict: true });
		expect(strict.exitCode).toBe(EXIT.PARTIAL);
		expect(strict.warnings).toHaveLength(1);
		expect(sandbox.requests).toHaveLength(0);
	});

	it('a number locked by a query made elsewhere gets lockout advice, not wrong-carrier advice', async () => {
		const { config, h, sandbox } = await setup();
		const elsewhere = new Kuaidi100Client(
			{ ...SANDBOX_KUAIDI100, baseUrl: sandbox.kuaidi100BaseUrl, sleep: async () => {} },
			fetchTransport,
		);
		await elsewhere.query({ com: 'yuantong', num: 'YT7450353838751' });
		const summary = await h.run(config);
		expect(summary.shipments.failed).toBe(1);
		const [failed] = h.reporter.events('shipment.failed');
		expect(failed.message).toMatch(/kuaidi100:yuantong:YT7450353838751 .*The number is locked.*at least 30 minutes/);
		expect(failed.message).not.toMatch(/Check the carrier code/);
	});

	it('stops on a fatal account error with exit code 3, no object and the state untouched', async () => {
		const { sandbox, config, h, prefix, dir, clock } = await setup();
		const first = await h.run(config);
		expect(first.status).toBe('ok');
		const stateBefore = await readFile(path.join(dir, 'state.json'), 'utf8');

		sandbox.advance();
		clock.advanceMinutes(40);
		sandbox.setCredentials({ kuaidi100KeyExpired: true });
		const fatal = await h.run(config);
		expect(fatal.status).toBe('fatal');
		expect(fatal.exitCode).toBe(EXIT.FATAL_ACCOUNT);
		expect(fatal.error).toMatch(/601/);
		expect(fatal.error).toMatch(/Recharge the Kuaidi100 account or renew the key/);
		expect(fatal.committed).toBe(false);
		expect(await readFile(path.join(dir, 'state.json'), 'utf8')).toBe(stateBefore);
		expect(dataKeys(await listKeys(local.s3.client, prefix))).toHaveLength(1);

		// A wrong key: the signature check fails (503), also fatal.
		sandbox.setCredentials({ kuaidi100KeyExpired: false });
		clock.advanceMinutes(40);
		const badKey = await h.run({ ...config, kuaidi100: { ...config.kuaidi100, key: 'not-the-key' } });
		expect(badKey.exitCode).toBe(EXIT.FATAL_ACCOUNT);
		expect(badKey.error).toMatch(/503/);
		expect(await readFile(path.join(dir, 'state.json'), 'utf8')).toBe(stateBefore);

		// KeyDelivery quota exhausted (401).
		clock.advanceMinutes(40);
		sandbox.setCredentials({ keyDeliveryQuotaExhausted: true });
		const quota = await h.run({ ...config, concurrency: 1 });
		expect(quota.exitCode).toBe(EXIT.FATAL_ACCOUNT);
		expect(await readFile(path.join(dir, 'state.json'), 'utf8')).toBe(stateBefore);
		expect(dataKeys(await listKeys(local.s3.client, prefix))).toHaveLength(1);

		// Fixed: everything not yet exported arrives, nothing twice.
		sandbox.setCredentials({ keyDeliveryQuotaExhausted: false });
		clock.advanceMinutes(40);
		const fixed = await h.run(config);
		expect(fixed.status).toBe('ok');
		const ids = await exportedIds(dataKeys(await listKeys(local.s3.client, prefix)));
		expect(new Set(ids).size).toBe(ids.length);
		expect([...ids].sort()).toEqual(expectedEventIds(sandbox));

		const log = h.reporter.text();
		for (const secret of [...SECRETS, 'not-the-key']) expect(log).not.toContain(secret);
	});

	it('an interrupted run (second SIGTERM) starts no further query, leaves no object and commits nothing', async () => {
		const { config, h, prefix, dir, sandbox } = await setup();
		const controller = new AbortController();
		let sent = 0;
		const transport: HttpTransport = async (request) => {
			if (++sent === 3) controller.abort(new InterruptedError('Interrupted by SIGTERM', EXIT.INTERRUPTED_SIGTERM));
			return await fetchTransport(request);
		};
		const summary = await h.run({ ...config, concurrency: 2 }, undefined, { transport, signal: controller.signal });
		expect(summary.status).toBe('interrupted');
		expect(summary.exitCode).toBe(EXIT.INTERRUPTED_SIGTERM);
		expect(sandbox.requests.length).toBeLessThanOrEqual(4);
		expect(await listKeys(local.s3.client, prefix)).toEqual([]);
		await expect(readFile(path.join(dir, 'state.json'), 'utf8')).rejects.toThrow();
	});

	it('never lets a secret reach the logs, even from errors and retries', async () => {
		const { sandbox, config, h } = await setup();
		sandbox.failNext('kuaidi100', { httpStatus: 502, times: 3 });
		sandbox.failNext('keydelivery', { brokenBody: true });
		sandbox.failNext('keydelivery', { reset: true, times: 2 });
		const summary = await h.run(config);
		expect(summary.status).toBe('ok');
		expect(summary.shipments.failed).toBeGreaterThan(0);
		const log = h.reporter.text();
		expect(log).toContain('shipment.failed');
		for (const secret of SECRETS) {
			expect(log).not.toContain(secret);
			expect(log).not.toContain(encodeURIComponent(secret));
		}
	});
});
