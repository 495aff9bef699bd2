import { afterAll, beforeAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
	GetObjectCommand,
	HeadObjectCommand,
	ListObjectsV2Command,
	type S3Client,
} from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
// s3rver ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => {
	run(): Promise<AddressInfo>;
	close(): Promise<void>;
	httpServer?: http.Server;
};
import { resolveConfig } from '../../src/exporter/intake/resolve-settings';
import type { ExportConfig } from '../../src/exporter/intake/settings';
import { eventId, flattenLines, text } from '../../src/normalize/event';
import { isTerminal, milestoneOfCode } from '../../src/normalize/milestones';
import { localTimeToUtcIso } from '../../src/normalize/time';
import { ThreadEncoder } from '../../src/exporter/emit/encoder';
import { encodeThreadScript } from './compiled';
import { MemoryReporter } from '../../src/exporter/report/memory-reporter';
import { redactor } from '../../src/exporter/report/redact';
import { runExport, type RunDeps } from '../../src/exporter/run/run-export';
import type { RunSummary } from '../../src/exporter/run/run-summary';
import { Storage, createS3Client } from '../../src/exporter/storage/storage';
import {
	SANDBOX_KEYDELIVERY,
	SANDBOX_KUAIDI100,
	startSandbox,
	type Sandbox,
	type SandboxOptions,
	type SandboxShipment,
} from '../../src/sandbox';

export const BUCKET = 'exports';
export const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface LocalS3 {
	endpoint: string;
	client: S3Client;
	dir: string;
	close(): Promise<void>;
}

/** An s3rver on a random port of 127.0.0.1, keeping its data in a temporary folder. */
/**
 * One local S3 for a test file: started before its tests, closed after them, once the
 * clean-ups the tests registered (newest first) have run.
 */
export function useLocalS3(): { readonly s3: LocalS3; cleanups: Array<() => Promise<void>> } {
	let s3: LocalS3 | undefined;
	const cleanups: Array<() => Promise<void>> = [];
	beforeAll(async () => {
		s3 = await startS3();
	});
	afterAll(async () => {
		for (const cleanup of cleanups.reverse()) await cleanup();
		await s3?.close();
	});
	return {
		get s3(): LocalS3 {
			if (!s3) throw new Error('the local S3 is started in beforeAll');
			return s3;
		},
		cleanups,
	};
}

export async function startS3(): Promise<LocalS3> {
	const dir = await mkdtemp(path.join(tmpdir(), 'exporter-s3-'));
	const server = new S3rver({
		address: '127.0.0.1',
		port: 0,
		silent: true,
		directory: dir,
		configureBuckets: [{ name: BUCKET }],
		vhostBuckets: false,
	});
	const { port } = await server.run();
	const endpoint = `http://127.0.0.1:${port}`;
	const client = createS3Client({ endpoint, forcePathStyle: true, ...S3_CREDENTIALS });
	return {
		endpoint,
		client,
		dir,
		close: async () => {
			client.destroy();
			server.httpServer?.closeAllConnections();
			await server.close();
			await rm(dir, { recursive: true, force: true });
		},
	};
}

export interface FaultyProxy {
	endpoint: string;
	/** Requests seen, as "METHOD path?query". */
	seen: string[];
	/** Requests answered with a fault. */
	failed: string[];
	close(): Promise<void>;
}

/**
 * An HTTP proxy in front of s3rver that answers the requests `shouldFail` picks
 * with `fault` (default HTTP 500 InternalError) (after reading their body), and forwards the rest.
 */
export async function startFaultyProxy(
	target: string,
	shouldFail: (method: string, url: URL) => boolean,
	fault: { status: number; code: string } = { status: 500, code: 'InternalError' },
): Promise<FaultyProxy> {
	const upstream = new URL(target);
	const seen: string[] = [];
	const failed: string[] = [];
	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://proxy');
		const label = `${req.method} ${url.pathname}${url.search}`;
		seen.push(label);
		if (shouldFail(req.method ?? 'GET', url)) {
			failed.push(label);
			req.resume();
			req.on('end', () => {
				res.writeHead(fault.status, { 'Content-Type': 'application/xml' });
				res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.code}</Code><Message>injected fault</Message></Error>`);
			});
			return;
		}
		const forward = http.request(
			{ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
			(reply) => {
				res.writeHead(reply.statusCode ?? 502, reply.headers);
				reply.pipe(res);
			},
		);
		forward.on('error', () => res.destroy());
		req.pipe(forward);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		endpoint: `http://127.0.0.1:${port}`,
		seen,
		failed,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** A settable clock shared by the exporter and the sandbox. */
export class Clock {
	constructor(public ms: number) {}
	now = (): Date => new Date(this.ms);
	advanceMinutes(minutes: number): void {
		this.ms += minutes * 60_000;
	}
}

export const noSleep = async (): Promise<void> => {};

export async function tempDir(prefix = 'exporter-'): Promise<string> {
	return await mkdtemp(path.join(tmpdir(), prefix));
}

export function shipmentsCsv(shipments: ReadonlyArray<Pick<SandboxShipment, 'provider' | 'carrier' | 'trackingNumber' | 'phone'>>): string {
	return `provider,carrier,tracking_number,phone\n${shipments
		.map((s) => [s.provider, s.carrier, s.trackingNumber, s.phone ?? ''].join(','))
		.join('\n')}\n`;
}

export async function writeShipments(dir: string, shipments: Parameters<typeof shipmentsCsv>[0], name = 'shipments.csv'): Promise<string> {
	const file = path.join(dir, name);
	await writeFile(file, shipmentsCsv(shipments));
	return file;
}

/** A run configuration pointing at the sandbox and the local S3. */
export async function testConfig(
	sandbox: Sandbox,
	s3Endpoint: string,
	dir: string,
	overrides: Partial<ExportConfig> = {},
): Promise<ExportConfig> {
	const { config } = await resolveConfig({ env: {}, flags: {} });
	return {
		...config,
		shipments: path.join(dir, 'shipments.csv'),
		state: path.join(dir, 'state.json'),
		output: `s3://${BUCKET}/${path.basename(dir)}/events`,
		concurrency: 4,
		retries: 1,
		s3: { ...config.s3, endpoint: s3Endpoint, region: 'us-east-1', forcePathStyle: true, ...S3_CREDENTIALS },
		kuaidi100: { ...config.kuaidi100, ...SANDBOX_KUAIDI100, baseUrl: sandbox.kuaidi100BaseUrl },
		keydelivery: { ...config.keydelivery, ...SANDBOX_KEYDELIVERY, baseUrl: sandbox.keyDeliveryBaseUrl },
		...overrides,
	};
}

export const SECRETS = [SANDBOX_KUAIDI100.key, SANDBOX_KUAIDI100.customer, SANDBOX_KEYDELIVERY.apiKey, SANDBOX_KEYDELIVERY.secret];

export interface Harness {
	run(config: ExportConfig, scheduledAt?: Date, extra?: Partial<RunDeps>): Promise<RunSummary>;
	reporter: MemoryReporter;
	storage: Storage;
}

/** The exporter's real encoder threads, running the thread body compiled as the package ships it (compiled.ts). */
export function threadEncoder(threads = 2, script = encodeThreadScript()): ThreadEncoder {
	return new ThreadEncoder(threads, script);
}

/** Runs exports as the CLI does, on encoder threads, with the test's clock and no waiting. */
export function harness(clock: Clock, s3: LocalS3): Harness {
	const reporter = new MemoryReporter(redactor(SECRETS));
	const storage = new Storage(() => s3.client);
	return {
		reporter,
		storage,
		run: async (config, scheduledAt = clock.now(), extra = {}) =>
			await runExport(config, scheduledAt, {
				storage: new Storage(() => s3.client),
				reporter,
				now: clock.now,
				sleep: noSleep,
				retryDelays: { baseDelayMs: 1, maxDelayMs: 2 },
				encoder: () => threadEncoder(1),
				...extra,
			}),
	};
}

export async function sandboxAt(clock: Clock, options: SandboxOptions = {}): Promise<Sandbox> {
	return await startSandbox({ now: clock.now, ...options });
}

export async function listKeys(client: S3Client, prefix: string): Promise<string[]> {
	const reply = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
	return (reply.Contents ?? []).map((c) => c.Key!).sort();
}

export async function getBytes(client: S3Client, key: string): Promise<Buffer> {
	const reply = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
	return Buffer.from(await reply.Body!.transformToByteArray());
}

export async function headObject(client: S3Client, key: string): Promise<{ size: number; contentType?: string }> {
	const reply = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
	return { size: reply.ContentLength ?? 0, contentType: reply.ContentType };
}

export interface CsvObject {
	text: string;
	header: string[];
	rows: Array<Record<string, string>>;
	records: string[][];
}

/** Reads a data object back (gunzip for .gz) and parses it with csv-parse. */
export async function readCsvObject(client: S3Client, key: string): Promise<CsvObject> {
	const bytes = await getBytes(client, key);
	const text = (key.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
	const records = parse(text, { relax_quotes: false }) as string[][];
	const [header, ...body] = records;
	return {
		text,
		header,
		records: body,
		rows: body.map((record) => Object.fromEntries(header.map((name, i) => [name, record[i]]))),
	};
}

/**
 * event_id of every event the sandbox shows now, computed from its timelines.
 * With `stopAtTerminal`, a shipment's events end at its first delivered /
 * returned / cancelled event: the exporter stops polling it there.
 */
export function expectedEventIds(sandbox: Sandbox, options: { stopAtTerminal?: boolean } = {}): string[] {
	const ids: string[] = [];
	for (const s of sandbox.shipments) {
		let events = sandbox.visibleEvents(s.provider, s.carrier, s.trackingNumber);
		if (options.stopAtTerminal) {
			const end = events.findIndex((e) => isTerminal(milestoneOfCode(e.statusCode)));
			if (end >= 0) events = events.slice(0, end + 1);
		}
		for (const e of events) {
			ids.push(
				eventId({
					provider: s.provider,
					carrier: s.carrier.toLowerCase(),
					tracking_number: s.trackingNumber,
					event_time: localTimeToUtcIso(e.time, 'Asia/Shanghai'),
					status_code: text(e.statusCode),
					description: flattenLines(text(e.context)),
				}),
			);
		}
	}
	return ids.sort();
}
