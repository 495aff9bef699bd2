#!/usr/bin/env node
// Benchmark of the tracking exporter (not a test). Runs from the compiled output:
//
//   npm run bench                                  # build, then both measures, default sizes
//   npm run bench -- --sizes 100000,1000000        # event counts of the pipeline measure
//   npm run bench -- --skip-polling                # only the CSV pipeline measure
//   npm run bench -- --skip-pipeline --shipments 2000 --delay 50 --concurrency 16
//   npm run bench -- --repeat 3                    # best of 3
//   npm run bench -- --threads 0                   # encode on the main thread (default: the exporter's, 2)
//   BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench -- --skip-polling --skip-bare
//                                                  # profile the pipeline child (no bare measures)
//
// 1. Pipeline: for each size, one child process generates the same records and
//    measures (a) bare csv-stringify throughput and (b) the full pipeline from raw
//    service replies (parsed objects) through the exporter's encoder (normalize,
//    dedup, CSV on its encoder threads), gzip and a multipart upload to a local
//    s3rver (in its own process, as S3 would be), with the exporter's default
//    concurrency. Prints records/s of both, their ratio and the child's peak RSS.
// 2. Polling: a full `run` of N shipments against the carrier sandbox (own
//    process) with a reply delay, at a given concurrency, against the ideal
//    N x delay / concurrency.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
// The clone's build with the sandbox (npm run bench builds it: src/exporter/tsconfig.dev.json).
const dist = path.join(here, '..', 'src', 'exporter', 'dist-dev');
const self = fileURLToPath(import.meta.url);

const { values: args } = parseArgs({
	options: {
		sizes: { type: 'string', default: '100000,1000000' },
		shipments: { type: 'string', default: '2000' },
		delay: { type: 'string', default: '50' },
		concurrency: { type: 'string', default: '16' },
		'skip-pipeline': { type: 'boolean', default: false },
		'skip-polling': { type: 'boolean', default: false },
		'skip-bare': { type: 'boolean', default: false },
		threads: { type: 'string' },
		json: { type: 'boolean', default: false },
		repeat: { type: 'string', default: '2' },
		child: { type: 'string' },
		size: { type: 'string' },
		s3: { type: 'string' },
		sandbox: { type: 'string' },
	},
});

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const MiB = 1024 * 1024;
const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const BUCKET = 'bench';

// ---------------------------------------------------------------- generated records

/** mulberry32: the same records on every run. */
function prng(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const PLACES = [
	['CN310000000000', '上海', '121.473701,31.230416', '上海市'],
	['CN440300000000', '广东,深圳市', '114.057868,22.543099', '深圳市'],
	['CN110105000000', '北京,北京,朝阳区', '116.601144,39.948574', '北京市,朝阳区'],
	['CN330100000000', '浙江,杭州市', '120.15507,30.274084', '杭州市'],
	['CN120113000000', '天津,天津,北辰区', '117.139343,39.217817', '天津市,北辰区'],
];
const STEPS = [
	['1', 'Collected', '快件已由【{p}】揽收，揽收员：王师傅（电话 13500001111）'],
	['1002', 'Trunk Line', 'Your package has left {p} and has been sent to the "North China" transfer center'],
	['0', 'In Transit', '快件在【{p}转运中心】完成分拣，准备发往下一站'],
	['1001', 'Arrived in Destination City', 'Arrived at {p}, sorting, gate 4, lane 12'],
	['5', 'Dispatching', '{p}的派送员张师傅正在为您派件，如有疑问请联系 022-65673899'],
	['301', 'Signed by Recipient', '快件已签收，签收人：本人。感谢使用，期待再次为您服务'],
];

function pad(n) {
	return String(n).padStart(2, '0');
}

/** One raw reply as the service sends it, `events` events, newest first. */
function rawReply(provider, carrier, number, events, random) {
	const base = Date.UTC(2024, 2, 1) + Math.floor(random() * 20 * 86400_000);
	const items = [];
	for (let e = 0; e < events; e++) {
		const [code, name, text] = STEPS[Math.min(STEPS.length - 1, Math.floor((e / events) * STEPS.length))];
		const place = PLACES[Math.floor(random() * PLACES.length)];
		const t = new Date(base + e * 3_517_000 + Math.floor(random() * 600_000));
		const time = `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
		const context = `${text.replace('{p}', place[3])} #${e}`;
		items.push(
			provider === 'kuaidi100'
				? { time, ftime: time, context, status: name, statusCode: code, areaCode: place[0], areaName: place[1], areaCenter: place[2], location: place[3], areaPinYin: null }
				: { time, context, order_status_code: code, order_status_description: name, area_name: place[1], location: place[3] },
		);
	}
	items.reverse();
	const state = items[0].statusCode ?? items[0].order_status_code;
	return provider === 'kuaidi100'
		? { message: 'ok', nu: number, ischeck: '0', condition: 'F00', com: carrier, status: '200', state, data: items }
		: { carrier_id: carrier, tracking_number: number, order_status_code: state, items };
}

const POOL_SHIPMENTS = 200;
const EVENTS_PER_SHIPMENT = 50;

function makePool() {
	const random = prng(20240309);
	return Array.from({ length: POOL_SHIPMENTS }, (_, i) => {
		const provider = i % 2 === 0 ? 'kuaidi100' : 'keydelivery';
		const carrier = provider === 'kuaidi100' ? ['yuantong', 'zhongtong', 'yunda'][i % 3] : ['usps', 'dhl', 'ups'][i % 3];
		return { provider, carrier, reply: rawReply(provider, carrier, `POOL${i}`, EVENTS_PER_SHIPMENT, random) };
	});
}

/** Reply `i` of the run: a pool reply under its own tracking number (so every event is new). */
function replyAt(pool, i) {
	const base = pool[i % pool.length];
	const number = `BN${String(i).padStart(10, '0')}`;
	const reply = base.provider === 'kuaidi100' ? { ...base.reply, nu: number } : { ...base.reply, tracking_number: number };
	return { provider: base.provider, carrier: base.carrier, number, reply };
}

function peakRssMb() {
	return process.resourceUsage().maxRSS / 1024;
}

// ---------------------------------------------------------------- child: s3rver

async function childS3() {
	const S3rver = require('s3rver');
	const dir = mkdtempSync(path.join(tmpdir(), 'bench-s3-'));
	const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: BUCKET }], vhostBuckets: false });
	const { port } = await server.run();
	process.stdout.write(`${JSON.stringify({ endpoint: `http://127.0.0.1:${port}` })}\n`);
	const stop = async () => {
		server.httpServer?.closeAllConnections();
		await server.close().catch(() => {});
		rmSync(dir, { recursive: true, force: true });
		process.exit(0);
	};
	process.on('SIGTERM', stop);
	process.stdin.on('end', stop);
	process.stdin.resume();
}

// ---------------------------------------------------------------- child: sandbox

function sandboxShipments(count) {
	const random = prng(42);
	const shipments = [];
	for (let i = 0; i < count; i++) {
		const provider = i % 2 === 0 ? 'kuaidi100' : 'keydelivery';
		const carrier = provider === 'kuaidi100' ? 'yuantong' : 'usps';
		const reply = rawReply(provider, carrier, `SB${String(i).padStart(8, '0')}`, 3 + Math.floor(random() * 6), random);
		const items = (provider === 'kuaidi100' ? reply.data : reply.items).slice().reverse();
		shipments.push({
			provider,
			carrier,
			trackingNumber: `SB${String(i).padStart(8, '0')}`,
			timeline: items.map((e) => ({
				time: e.time,
				statusCode: e.statusCode ?? e.order_status_code,
				status: e.status ?? e.order_status_description,
				context: e.context,
				areaName: e.areaName ?? e.area_name,
				location: e.location,
			})),
		});
	}
	return shipments;
}

async function childSandbox(count, delay) {
	const { startSandbox } = require(path.join(dist, 'sandbox'));
	const sandbox = await startSandbox({ shipments: sandboxShipments(count), replyDelayMs: delay, revealSteps: 100 });
	process.stdout.write(`${JSON.stringify({ kuaidi100: sandbox.kuaidi100BaseUrl, keydelivery: sandbox.keyDeliveryBaseUrl })}\n`);
	const stop = async () => {
		await sandbox.close().catch(() => {});
		process.exit(0);
	};
	process.on('SIGTERM', stop);
	process.stdin.on('end', stop);
	process.stdin.resume();
}

// ---------------------------------------------------------------- child: pipeline measure

async function childPipeline(size, endpoint) {
	const { stringify } = require('csv-stringify');
	const { stringify: stringifySync } = require('csv-stringify/sync');
	const { CSV_OPTIONS, csvHeader, eventRow } = require(path.join(dist, 'exporter', 'emit', 'csv'));
	const { PROVIDERS } = require(path.join(dist, 'providers'));
	const normalizeReply = (reply, { provider, carrier, trackingNumber, fetchedAt, runId, sourceTimeZone }) =>
		PROVIDERS[provider].normalize(reply, { source: 'query', fetchedAt, exportRunId: runId, sourceTimeZone, carrier, trackingNumber });
	const { createEncoder } = require(path.join(dist, 'exporter', 'emit', 'encoder'));
	const { runPool } = require(path.join(dist, 'core', 'pool'));
	const { ExportState } = require(path.join(dist, 'exporter', 'state', 'export-state'));
	const { resolveConfig } = require(path.join(dist, 'exporter', 'intake', 'resolve-settings'));
	const { config: defaults } = await resolveConfig({ env: {}, flags: {} });
	const threads = args.threads === undefined ? defaults.threads : Number(args.threads);
	const concurrency = defaults.concurrency;
	const { ObjectWriter } = require(path.join(dist, 'exporter', 'emit', 'object-writer'));
	const { createS3Client } = require(path.join(dist, 'exporter', 'storage', 'storage'));

	const pool = makePool();
	const fetchedAt = new Date('2024-03-21T02:00:00Z');
	const runId = '20240321T020000Z';
	const poolRows = pool.map((p) =>
		normalizeReply(p.reply, { provider: p.provider, carrier: p.carrier, trackingNumber: `POOL`, fetchedAt, runId, sourceTimeZone: 'Asia/Shanghai' }).events.map(eventRow),
	);
	const replies = Math.ceil(size / EVENTS_PER_SHIPMENT);
	const events = replies * EVENTS_PER_SHIPMENT;
	const nullSink = () => {
		const sink = new Writable({
			write(chunk, _encoding, callback) {
				sink.bytes += chunk.length;
				callback();
			},
		});
		sink.bytes = 0;
		return sink;
	};

	// (a1) bare csv-stringify, stream API, one row per write, into a sink that drops the bytes.
	async function bareStreamRun() {
		global.gc?.();
		const started = process.hrtime.bigint();
		const stringifier = stringify({ ...CSV_OPTIONS, header: false });
		const sink = nullSink();
		stringifier.pipe(sink);
		stringifier.write(csvHeader().trim().split(','));
		for (let i = 0; i < replies; i++) {
			for (const row of poolRows[i % poolRows.length]) {
				if (!stringifier.write(row)) await new Promise((resolve) => stringifier.once('drain', resolve));
			}
		}
		await new Promise((resolve) => {
			sink.on('finish', resolve);
			stringifier.end();
		});
		return Number(process.hrtime.bigint() - started) / 1e9;
	}

	// (a2) bare csv-stringify, sync API on batches of 500 rows.
	let csvBytes = 0;
	async function bareBatchRun() {
		global.gc?.();
		const started = process.hrtime.bigint();
		const sink = nullSink();
		sink.write(csvHeader());
		let batch = [];
		for (let i = 0; i < replies; i++) {
			for (const row of poolRows[i % poolRows.length]) {
				batch.push(row);
				if (batch.length === 500) {
					if (!sink.write(stringifySync(batch, CSV_OPTIONS))) await new Promise((resolve) => sink.once('drain', resolve));
					batch = [];
				}
			}
		}
		if (batch.length) sink.write(stringifySync(batch, CSV_OPTIONS));
		csvBytes = sink.bytes;
		return Number(process.hrtime.bigint() - started) / 1e9;
	}

	// (b) the exporter's own code, as the fetch and emit phases run it: `concurrency` replies in hand at
	// once, each through the encoder (normalize -> dedup -> CSV, on `threads`
	// encoder threads), then gzip -> multipart upload.
	const client = createS3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, ...S3_CREDENTIALS });
	let object;
	let utilization = 0;
	async function pipelineRun() {
		global.gc?.();
		const elu = performance.eventLoopUtilization();
		const started = process.hrtime.bigint();
		const encoder = createEncoder(threads);
		const writer = new ObjectWriter({ client, bucket: BUCKET, key: `bench/${size}-${Date.now()}.csv.gz`, gzip: true, partSize: 5 * MiB });
		const state = new ExportState();
		const NONE = new Uint8Array(0);
		let written = 0;
		try {
			await runPool(Array.from({ length: replies }, (_, i) => i), concurrency, async (i) => {
				const { provider, carrier, number, reply } = replyAt(pool, i);
				const key = `${provider}:${carrier}:${number}`;
				const options = { source: 'query', fetchedAt: new Date(), exportRunId: runId, sourceTimeZone: 'Asia/Shanghai', carrier, trackingNumber: number };
				const fresh = await encoder.encode({ provider, reply, options, exported: state.shipments.get(key)?.exported ?? NONE });
				ExportState.addExported(state.entry(key), Buffer.from(fresh.prefixes));
				written += fresh.count;
				if (fresh.count) {
					const done = writer.writeCsv(fresh.csv, fresh.count);
					encoder.recycle(fresh.csv);
					await done;
				}
			});
		} finally {
			await encoder.close();
		}
		object = await writer.finish();
		const seconds = Number(process.hrtime.bigint() - started) / 1e9;
		utilization = performance.eventLoopUtilization(elu).utilization;
		if (written !== events || object.rows !== events) throw new Error(`wrote ${written}/${object.rows} of ${events} events`);
		return seconds;
	}

	const repeat = Math.max(1, Number(args.repeat));
	let bareStreamSeconds = Infinity;
	let bareBatchSeconds = Infinity;
	let pipelineSeconds = Infinity;
	let bestUtilization = 0;
	// The pipeline goes first, so that its peak RSS is read before the bare measures
	// (whose garbage V8 collects lazily) can raise the process's high-water mark.
	let peakAfterPipeline = 0;
	let memoryAfterPipeline;
	// Highest value of each memoryUsage() field seen during the first pipeline run (where RSS goes).
	const memoryPeaks = {};
	const sampler = setInterval(() => {
		for (const [k, v] of Object.entries(process.memoryUsage())) memoryPeaks[k] = Math.max(memoryPeaks[k] ?? 0, Math.round(v / MiB));
	}, 20);
	for (let r = 0; r < repeat; r++) {
		const seconds = await pipelineRun();
		if (r === 0) clearInterval(sampler);
		if (r === 0) {
			peakAfterPipeline = peakRssMb();
			memoryAfterPipeline = process.memoryUsage();
		}
		if (seconds < pipelineSeconds) {
			pipelineSeconds = seconds;
			bestUtilization = utilization;
		}
		if (args['skip-bare']) continue;
		bareStreamSeconds = Math.min(bareStreamSeconds, await bareStreamRun());
		bareBatchSeconds = Math.min(bareBatchSeconds, await bareBatchRun());
	}
	client.destroy();

	const bareStream = events / bareStreamSeconds;
	const bareBatch = events / bareBatchSeconds;
	const bare = Math.max(bareStream, bareBatch);
	const pipeline = events / pipelineSeconds;
	return {
		events,
		repeat,
		mainThreadBusy: bestUtilization,
		csvBytes,
		gzipBytes: object.bytes,
		bareStreamPerSecond: Math.round(bareStream),
		bareBatchPerSecond: Math.round(bareBatch),
		pipelinePerSecond: Math.round(pipeline),
		ratio: bare > 0 ? pipeline / bare : null,
		pipelineSeconds,
		peakRssPipelineMb: peakAfterPipeline,
		memoryAfterPipelineMb: Object.fromEntries(Object.entries(memoryAfterPipeline).map(([k, v]) => [k, Math.round(v / MiB)])),
		memoryPeaksDuringPipelineMb: memoryPeaks,
		peakRssMb: peakRssMb(),
	};
}

// ---------------------------------------------------------------- child: polling measure

async function childPolling(count, delay, concurrency, endpoint, sandbox) {
	const { writeFileSync } = await import('node:fs');
	const { runExport } = require(path.join(dist, 'exporter', 'run', 'run-export'));
	const { resolveConfig } = require(path.join(dist, 'exporter', 'intake', 'resolve-settings'));
	const { Storage, createS3Client } = require(path.join(dist, 'exporter', 'storage', 'storage'));
	const { MemoryReporter } = require(path.join(dist, 'exporter', 'report', 'memory-reporter'));
	const { SANDBOX_KUAIDI100, SANDBOX_KEYDELIVERY } = require(path.join(dist, 'sandbox'));
	const dir = mkdtempSync(path.join(tmpdir(), 'bench-poll-'));
	try {
		const shipments = sandboxShipments(count);
		writeFileSync(
			path.join(dir, 'shipments.csv'),
			`provider,carrier,tracking_number\n${shipments.map((s) => `${s.provider},${s.carrier},${s.trackingNumber}`).join('\n')}\n`,
		);
		const { config: defaults } = await resolveConfig({ env: {}, flags: {} });
		const config = {
			...defaults,
			shipments: path.join(dir, 'shipments.csv'),
			state: path.join(dir, 'state.json'),
			output: `s3://${BUCKET}/polling`,
			gzip: true,
			concurrency,
			s3: { ...defaults.s3, endpoint, region: 'us-east-1', forcePathStyle: true, ...S3_CREDENTIALS },
			kuaidi100: { ...defaults.kuaidi100, ...SANDBOX_KUAIDI100, baseUrl: sandbox.kuaidi100 },
			keydelivery: { ...defaults.keydelivery, ...SANDBOX_KEYDELIVERY, baseUrl: sandbox.keydelivery },
		};
		const client = createS3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, ...S3_CREDENTIALS });
		const reporter = new MemoryReporter();
		const started = process.hrtime.bigint();
		const summary = await runExport(config, new Date(), { storage: new Storage(() => client), reporter });
		const seconds = Number(process.hrtime.bigint() - started) / 1e9;
		client.destroy();
		if (summary.status !== 'ok' || summary.shipments.queried !== count) {
			throw new Error(`polling run: ${summary.status} ${summary.error ?? ''} queried ${summary.shipments.queried}/${count}`);
		}
		const ideal = (count * delay) / 1000 / concurrency;
		return { shipments: count, delayMs: delay, concurrency, seconds, idealSeconds: ideal, ratio: seconds / ideal, events: summary.events.new, peakRssMb: peakRssMb() };
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

// ---------------------------------------------------------------- orchestration

function startChild(childArgs, { expose = false } = {}) {
	const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
	const child = spawn(process.execPath, [...flags, ...(expose ? ['--expose-gc'] : []), self, ...childArgs], { stdio: ['pipe', 'pipe', 'inherit'] });
	let buffered = '';
	const firstLine = new Promise((resolve, reject) => {
		child.stdout.on('data', (chunk) => {
			buffered += chunk;
			const newline = buffered.indexOf('\n');
			if (newline >= 0) resolve(JSON.parse(buffered.slice(0, newline)));
		});
		child.on('exit', (code) => reject(new Error(`child ${childArgs.join(' ')} exited with ${code}`)));
	});
	return { child, firstLine };
}

async function runChild(childArgs) {
	const { child, firstLine } = startChild(childArgs, { expose: true });
	const result = await firstLine;
	child.stdin.end();
	return result;
}

function stopChild(handle) {
	handle.child.stdin.end();
	handle.child.kill('SIGTERM');
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');

async function orchestrate() {
	const results = { node: process.version, cpus: (await import('node:os')).cpus().length, pipeline: [], polling: undefined };
	const s3 = startChild(['--child', 's3']);
	const { endpoint } = await s3.firstLine;
	try {
		if (!args['skip-pipeline']) {
			const sizes = args.sizes.split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
			for (const size of sizes) {
				const r = await runChild([
					'--child', 'pipeline', '--size', String(size), '--s3', endpoint, '--repeat', args.repeat,
					...(args['skip-bare'] ? ['--skip-bare'] : []), ...(args.threads === undefined ? [] : ['--threads', args.threads]),
				]);
				results.pipeline.push(r);
				console.log(
					`pipeline ${fmt(r.events)} events: bare csv-stringify ${fmt(r.bareBatchPerSecond)}/s (batched; ${fmt(r.bareStreamPerSecond)}/s one row per write), ` +
						`full pipeline ${fmt(r.pipelinePerSecond)}/s, ratio ${r.ratio == null ? 'n/a (--skip-bare)' : r.ratio.toFixed(2)}, peak RSS of the pipeline ${r.peakRssPipelineMb.toFixed(0)} MB ` +
						`(${(r.csvBytes / MiB).toFixed(0)} MiB CSV -> ${(r.gzipBytes / MiB).toFixed(1)} MiB gzip, ${r.pipelineSeconds.toFixed(1)} s, ` +
						`main thread ${(r.mainThreadBusy * 100).toFixed(0)}% busy; best of ${r.repeat}; process peak RSS incl. bare ${r.peakRssMb.toFixed(0)} MB)`,
				);
			}
			const [first, ...later] = results.pipeline;
			for (const r of later) {
				console.log(`pipeline peak RSS at ${fmt(r.events)} / at ${fmt(first.events)} events: ${(r.peakRssPipelineMb / first.peakRssPipelineMb).toFixed(2)}`);
			}
		}
		if (!args['skip-polling']) {
			const count = Number(args.shipments);
			const delay = Number(args.delay);
			const concurrency = Number(args.concurrency);
			const sandbox = startChild(['--child', 'sandbox', '--shipments', String(count), '--delay', String(delay)]);
			try {
				const urls = await sandbox.firstLine;
				const r = await runChild([
					'--child', 'polling', '--shipments', String(count), '--delay', String(delay), '--concurrency', String(concurrency),
					'--s3', endpoint, '--sandbox', JSON.stringify(urls),
				]);
				results.polling = r;
				console.log(
					`polling ${fmt(r.shipments)} shipments, ${r.delayMs} ms reply delay, concurrency ${r.concurrency}: ${r.seconds.toFixed(2)} s ` +
						`(ideal ${r.idealSeconds.toFixed(2)} s, ratio ${r.ratio.toFixed(2)}), ${fmt(r.events)} events, peak RSS ${r.peakRssMb.toFixed(0)} MB`,
				);
			} finally {
				stopChild(sandbox);
			}
		}
	} finally {
		stopChild(s3);
	}
	if (args.json) console.log(JSON.stringify(results, null, 2));
}

async function childMain() {
	switch (args.child) {
		case 's3':
			return await childS3();
		case 'sandbox':
			return await childSandbox(Number(args.shipments), Number(args.delay));
		case 'pipeline': {
			const result = await childPipeline(Number(args.size), args.s3);
			process.stdout.write(`${JSON.stringify(result)}\n`);
			return;
		}
		case 'polling': {
			const result = await childPolling(Number(args.shipments), Number(args.delay), Number(args.concurrency), args.s3, JSON.parse(args.sandbox));
			process.stdout.write(`${JSON.stringify(result)}\n`);
			return;
		}
		default:
			throw new Error(`unknown child ${args.child}`);
	}
}

(args.child ? childMain() : orchestrate()).catch((error) => {
	console.error(error);
	process.exit(1);
});
