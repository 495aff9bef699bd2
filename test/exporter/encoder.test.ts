import { readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InlineEncoder, ThreadEncoder, createEncoder } from '../../src/exporter/emit/encoder';
import { encodeThreadScript } from './compiled';
import { EXIT } from '../../src/exporter/exit-codes';
import type { EncodeRequest } from '../../src/exporter/emit/encode-shipment';
import { packPrefixes } from '../../src/exporter/state/export-state';
import { eventIdPrefix } from '../../src/core/keys';
import { sampleShipments } from '../../src/sandbox';
import { Clock, harness, listKeys, sandboxAt, threadEncoder, tempDir, testConfig, useLocalS3, writeShipments } from './helpers';

const local = useLocalS3();
const FETCHED_AT = new Date('2024-03-10T02:00:00Z');
/** The 50,000-event reply: its size is the point (a thread's heap); about 8 s on a busy 2-core machine, a small share of this. */
const HEAVY_TIMEOUT_MS = 120_000;

/** Text that CSV and UTF-8 must carry intact: quotes, commas, CR, LF, Chinese, emoji, blanks. */
const TEXTS = ['快件已签收，签收人：本人', 'left "North China" hub, gate 4', 'line one\r\nline two', 'cr\ronly', '📦 out for delivery', '  ', 'null', 'plain'];

function kuaidi100Reply(n: number, events: number): unknown {
	return {
		message: 'ok',
		nu: `YT${n}`,
		com: 'yuantong',
		state: String(n % 7),
		data: Array.from({ length: events }, (_, e) => ({
			time: `2024-03-0${1 + (e % 9)} 1${e % 10}:0${n % 10}:00`,
			ftime: `2024-03-0${1 + (e % 9)} 1${e % 10}:0${n % 10}:00`,
			context: `${TEXTS[(n + e) % TEXTS.length]} #${e}`,
			status: 'In Transit',
			statusCode: String((e * 3) % 15),
			areaCode: 'CN440300000000',
			areaName: '广东,深圳市',
			areaCenter: e % 2 ? '114.057868,22.543099' : '',
			location: '深圳市',
		})),
	};
}

function keyDeliveryReply(n: number, events: number): unknown {
	return {
		carrier_id: 'usps',
		tracking_number: `US${n}`,
		order_status_code: String(n % 5),
		items: Array.from({ length: events }, (_, e) => ({
			time: `2024-03-0${1 + (e % 9)} 0${e % 10}:1${n % 10}:00`,
			context: `${TEXTS[(n * 3 + e) % TEXTS.length]} #${e}`,
			order_status_code: String(e % 8),
			order_status_description: 'In transit',
			area_name: 'Memphis, TN',
			location: 'Memphis',
		})),
	};
}

/** Replies of both services; every third one with some of its events already exported. */
async function requests(count: number): Promise<EncodeRequest[]> {
	const inline = new InlineEncoder();
	const list: EncodeRequest[] = [];
	for (let n = 0; n < count; n++) {
		const provider = n % 2 === 0 ? 'kuaidi100' : 'keydelivery';
		const reply = provider === 'kuaidi100' ? kuaidi100Reply(n, 1 + (n % 40)) : keyDeliveryReply(n, 1 + (n % 25));
		const request: EncodeRequest = {
			provider,
			reply,
			options: { source: 'query', fetchedAt: FETCHED_AT, exportRunId: '20240310T020000Z', sourceTimeZone: 'Asia/Shanghai' },
			exported: new Uint8Array(0),
		};
		if (n % 3 === 0) {
			// Mark the first half of its events as exported by an earlier run.
			const csv = Buffer.from((await inline.encode(request)).csv).toString('utf8');
			const ids = csv.split('\n').filter(Boolean).map((line) => line.slice(0, 64));
			request.exported = packPrefixes(ids.slice(0, Math.ceil(ids.length / 2)).map(eventIdPrefix));
		}
		list.push(request);
	}
	return list;
}

/** Runs `use` with encoder threads, and closes them whatever happens. */
async function withThreads(threads: ThreadEncoder, use: (threads: ThreadEncoder) => Promise<void>): Promise<void> {
	try {
		await use(threads);
	} finally {
		await threads.close();
	}
}

/** The sample shipments against the sandbox and the local S3, cleaned up after the file. */
async function exportSetup() {
	const clock = new Clock(Date.parse('2024-03-10T02:00:00Z'));
	const sandbox = await sandboxAt(clock);
	const dir = await tempDir('exporter-encoder-');
	local.cleanups.push(async () => {
		await sandbox.close();
		await rm(dir, { recursive: true, force: true });
	});
	await writeShipments(dir, sampleShipments());
	return { clock, sandbox, dir, config: await testConfig(sandbox, local.s3.endpoint, dir) };
}

describe('encoder threads', () => {
	it('give byte for byte what the main thread gives, with hundreds of replies in flight on two threads at once', async () => {
		const list = await requests(300);
		const inline = new InlineEncoder();
		const expected = await Promise.all(list.map(async (request) => await inline.encode(request)));
		await withThreads(threadEncoder(2), async (threads) => {
			// All at once: results must come back to their own request, whichever thread took it.
			const results = await Promise.all(
				list.map(async (request) => {
					const result = await threads.encode(request);
					// Copy, then hand the buffer back: later replies are encoded into it.
					const copy = { ...result, csv: Buffer.from(result.csv), prefixes: Buffer.from(result.prefixes) };
					threads.recycle(result.csv);
					return copy;
				}),
			);
			let duplicates = 0;
			for (const [i, result] of results.entries()) {
				expect(result.csv.equals(Buffer.from(expected[i].csv))).toBe(true);
				expect(result.prefixes.equals(Buffer.from(expected[i].prefixes))).toBe(true);
				expect({ ...result, csv: undefined, prefixes: undefined }).toEqual({ ...expected[i], csv: undefined, prefixes: undefined });
				duplicates += result.duplicates;
			}
			expect(duplicates).toBeGreaterThan(0);
			// A second round reuses the recycled buffers: still the same bytes.
			const again = await Promise.all(list.slice(0, 50).map(async (request) => Buffer.from((await threads.encode(request)).csv)));
			again.forEach((csv, i) => expect(csv.equals(Buffer.from(expected[i].csv))).toBe(true));
			// The request's own buffer is untouched (the threads get copies).
			expect(list[0].exported.byteLength).toBeGreaterThan(0);
		});
	});

	it('a reply of 50,000 events fits in the heap of a thread, and gives the same bytes as the main thread', async () => {
		const request: EncodeRequest = {
			provider: 'kuaidi100',
			reply: kuaidi100Reply(7, 50_000),
			options: { source: 'query', fetchedAt: FETCHED_AT, exportRunId: '20240310T020000Z' },
			exported: new Uint8Array(0),
		};
		const expected = await new InlineEncoder().encode(request);
		await withThreads(threadEncoder(1), async (threads) => {
			const result = await threads.encode(request);
			expect(result.fetched).toBe(50_000);
			expect(Buffer.from(result.csv).equals(Buffer.from(expected.csv))).toBe(true);
		});
	}, HEAVY_TIMEOUT_MS);

	it('a reply a thread cannot encode fails that request, with the reason; the others in flight complete', async () => {
		const [good, other] = await requests(2);
		const threads = threadEncoder(2);
		await withThreads(threads, async () => {
			const bad = { ...good, provider: 'no-such-service' } as unknown as EncodeRequest;
			const outcomes = await Promise.allSettled([threads.encode(good), threads.encode(bad), threads.encode(other)]);
			expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
			expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/^Error: Encoding a reply failed: TypeError/);
			await expect(threads.encode(good)).resolves.toMatchObject({ fetched: expect.any(Number) });
		});
		await expect(threads.encode(good)).rejects.toThrow(/closed/);
	});

	it('a reply whose events were all exported comes back empty, and a reply that cannot cross threads fails alone', async () => {
		const [request] = await requests(1);
		const all = Buffer.from((await new InlineEncoder().encode({ ...request, exported: new Uint8Array(0) })).csv).toString('utf8');
		const exported = packPrefixes(all.split('\n').filter(Boolean).map((line) => eventIdPrefix(line.slice(0, 64))));
		await withThreads(threadEncoder(1), async (threads) => {
			const nothingNew = await threads.encode({ ...request, exported });
			expect(nothingNew.count).toBe(0);
			expect(nothingNew.csv.byteLength).toBe(0);
			expect(nothingNew.duplicates).toBe(nothingNew.fetched);
			threads.recycle(nothingNew.csv);

			const uncloneable = { ...request, reply: { data: [], toJSON: () => 'a function cannot be cloned' } };
			await expect(threads.encode(uncloneable)).rejects.toThrow(/could not be cloned/);
			// The thread is not left waiting for it: the next request is answered.
			await expect(threads.encode(request)).resolves.toMatchObject({ fetched: nothingNew.fetched });
		});
	});

	it('a thread that dies fails the requests in its hands and every later one, with its exit code', async () => {
		const [request] = await requests(1);
		await withThreads(threadEncoder(1, path.join(__dirname, 'fixtures', 'exiting-thread.cjs')), async (broken) => {
			const outcomes = await Promise.allSettled([broken.encode(request), broken.encode(request)]);
			for (const outcome of outcomes) {
				expect(outcome.status).toBe('rejected');
				expect(String((outcome as PromiseRejectedResult).reason)).toContain('An encoder thread stopped (exit code 7)');
			}
			await expect(broken.encode(request)).rejects.toThrow('exit code 7');
		});
	});

	it('a thread that throws outside encodeShipment fails every request, with the reason and the way out', async () => {
		const [request] = await requests(1);
		await withThreads(threadEncoder(1, path.join(__dirname, 'fixtures', 'throwing-thread.cjs')), async (broken) => {
			await expect(broken.encode(request)).rejects.toThrow('An encoder thread failed: boom in the thread (--threads 0 encodes on the main thread)');
			await expect(broken.encode(request)).rejects.toThrow('boom in the thread');
		});
	});

	it('one path: --threads 0 encodes on the calling thread, otherwise threads run the compiled body, and a missing body is an error, not a fallback', async () => {
		expect(createEncoder(0)).toBeInstanceOf(InlineEncoder);
		const threads = createEncoder(1, encodeThreadScript());
		expect(threads).toBeInstanceOf(ThreadEncoder);
		await threads.close();
		expect(() => createEncoder(2, path.join(__dirname, 'no-such-thread.js'))).toThrow(
			/encoder thread body .*no-such-thread\.js is missing: reinstall tracking-export .*--threads 0/,
		);
	});

	it('an export whose thread body is missing fails with exit 1 before any query or reservation', async () => {
		const { clock, sandbox, dir, config } = await exportSetup();
		const summary = await harness(clock, local.s3).run(config, clock.now(), { encoder: () => createEncoder(2, path.join(dir, 'missing.js')) });
		expect(summary.exitCode).toBe(EXIT.FAILED);
		expect(summary.error).toMatch(/missing\.js is missing/);
		expect(sandbox.requests).toHaveLength(0);
		const journal = JSON.parse(await readFile(path.join(dir, 'state.journal.json'), 'utf8')) as { queries: object; inflight?: unknown };
		expect(journal).toMatchObject({ queries: {} });
		expect(journal.inflight).toBeUndefined();
	});

	it('an export whose encoder thread dies fails with exit 1: no object, no state committed, and the rerun exports everything', async () => {
		const { clock, dir, config } = await exportSetup();
		const prefix = `${path.basename(dir)}/`;
		const h = harness(clock, local.s3);
		const failed = await h.run(config, clock.now(), {
			encoder: () => threadEncoder(1, path.join(__dirname, 'fixtures', 'exiting-thread.cjs')),
		});
		expect(failed.status).toBe('failed');
		expect(failed.exitCode).toBe(EXIT.FAILED);
		expect(failed.error).toContain('An encoder thread stopped');
		expect(failed.committed).toBe(false);
		expect(await listKeys(local.s3.client, prefix)).toEqual([]);
		await expect(readFile(path.join(dir, 'state.json'), 'utf8')).rejects.toThrow(/ENOENT/);

		// The failed run's Kuaidi100 queries count for the 30-minute rule: half an hour later the rerun exports every event.
		clock.advanceMinutes(31);
		const rerun = await h.run(config, clock.now());
		expect(rerun.status).toBe('ok');
		expect(rerun.shipments.queried).toBe(rerun.shipments.listed);
		expect(rerun.events.new).toBe(rerun.events.fetched);
		expect(rerun.events.new).toBeGreaterThan(0);
	});
});
