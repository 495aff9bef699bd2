import { promises as fs } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { resolveConfig, type ExportConfig } from '../intake/settings';
import { prepareDemoDir } from './demo-dir';
import { EXIT, messageOf } from '../exit-codes';
import type { Reporter, RunSummary } from '../report/reporters';
import { runExport } from '../run/run-export';
import { Storage, createS3Client } from '../storage/storage';

interface S3rverInstance {
	run(): Promise<AddressInfo>;
	close(): Promise<void>;
	httpServer?: { closeAllConnections?: () => void };
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

export const DEMO_BUCKET = 'tracking-demo';
export const DEMO_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface DemoOptions {
	/** Folder for the S3 data, the state and the shipment list; the demo's own files in it are wiped first unless `keep`. */
	dir: string;
	/** Exports to run; between two, the sandbox timelines advance and the clock moves one hour. */
	runs: number;
	/** First rows of each object to print. */
	rows: number;
	keep: boolean;
	gzip: boolean;
	reporter: Reporter;
	/** Where the object keys and rows are printed. */
	write: (text: string) => void;
}

async function loadOptional<T>(load: () => Promise<T>, id: string, why: string): Promise<T> {
	try {
		return await load();
	} catch (error) {
		throw new Error(`The demo needs ${why} (${id}): run "npm install" in a clone of the repository. (${messageOf(error)})`);
	}
}

async function firstLines(stream: Readable, gzip: boolean, count: number): Promise<string[]> {
	const source = gzip ? stream.pipe(createGunzip()) : stream;
	let text = '';
	for await (const chunk of source as AsyncIterable<Buffer>) {
		text += chunk.toString('utf8');
		if (text.split('\n').length > count + 1) break;
	}
	stream.destroy();
	return text.split('\n').slice(0, count + 1).filter((line) => line !== '');
}

/**
 * The embedded default: a sandbox of the carrier services and an s3rver on
 * 127.0.0.1, one export (or more), the object key, the summary and the first
 * rows. No account, no network.
 */
export async function runDemo(options: DemoOptions): Promise<number> {
	const sandboxModule = await loadOptional(async () => await import('../../sandbox'), '../sandbox', 'the carrier sandbox');
	const s3rverId = 's3rver';
	const S3rver = await loadOptional<S3rverClass>(
		async () => ((await import(s3rverId)) as { default: S3rverClass }).default,
		s3rverId,
		'the development dependency s3rver',
	);
	const dir = path.resolve(options.dir);
	await prepareDemoDir(dir, options.keep);
	await fs.mkdir(path.join(dir, 's3'), { recursive: true });

	// One clock for the exporter and the sandbox: each further run is an hour later.
	let offsetMs = 0;
	const now = () => new Date(Date.now() + offsetMs);

	const s3rver = new S3rver({
		address: '127.0.0.1',
		port: 0,
		silent: true,
		directory: path.join(dir, 's3'),
		configureBuckets: [{ name: DEMO_BUCKET }],
		vhostBuckets: false,
	});
	const sandbox = await sandboxModule.startSandbox({ now });
	let s3Address: AddressInfo;
	try {
		s3Address = await s3rver.run();
	} catch (error) {
		await sandbox.close();
		throw error;
	}
	const endpoint = `http://127.0.0.1:${s3Address.port}`;
	const client = createS3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, ...DEMO_S3_CREDENTIALS });
	try {
		const shipmentsFile = path.join(dir, 'shipments.csv');
		const lines = ['provider,carrier,tracking_number,phone'];
		for (const s of sandboxModule.sampleShipments()) lines.push([s.provider, s.carrier, s.trackingNumber, s.phone ?? ''].join(','));
		await fs.writeFile(shipmentsFile, `${lines.join('\n')}\n`);

		const { config: defaults } = await resolveConfig({ env: {}, flags: {} });
		const config: ExportConfig = {
			...defaults,
			shipments: shipmentsFile,
			state: path.join(dir, 'state.json'),
			output: `s3://${DEMO_BUCKET}/exports/tracking`,
			gzip: options.gzip,
			concurrency: 4,
			s3: { ...defaults.s3, endpoint, region: 'us-east-1', forcePathStyle: true, ...DEMO_S3_CREDENTIALS },
			kuaidi100: {
				...defaults.kuaidi100,
				...sandboxModule.SANDBOX_KUAIDI100,
				baseUrl: sandbox.kuaidi100BaseUrl,
			},
			keydelivery: {
				...defaults.keydelivery,
				...sandboxModule.SANDBOX_KEYDELIVERY,
				baseUrl: sandbox.keyDeliveryBaseUrl,
			},
		};
		options.write(`Sandbox carrier services on ${sandbox.kuaidi100BaseUrl} (Kuaidi100) and ${sandbox.keyDeliveryBaseUrl} (KeyDelivery)\n`);
		options.write(`Local S3 (s3rver) on ${endpoint}, data in ${path.join(dir, 's3')}\n`);
		options.write(`Shipment list ${shipmentsFile}; state ${config.state}\n\n`);

		const storage = new Storage(() => client);
		let exitCode: number = EXIT.OK;
		for (let run = 0; run < options.runs; run++) {
			if (run > 0) {
				offsetMs += 60 * 60_000;
				sandbox.advance();
				options.write(`\n--- one hour later, the timelines have moved on ---\n`);
			}
			const summary: RunSummary = await runExport(config, now(), { storage, reporter: options.reporter, now });
			exitCode = summary.exitCode;
			if (summary.exitCode !== EXIT.OK) break;
			for (const object of summary.objects) {
				options.write(`\nObject key: ${object.key}\n`);
				const stream = await storage.openRead(storage.parse(object.url));
				if (stream) {
					options.write(`First rows:\n`);
					for (const line of await firstLines(stream, object.key.endsWith('.gz'), options.rows)) options.write(`  ${line}\n`);
				}
			}
			if (summary.objects.length === 0) options.write('\nNo new events in this run: no object written.\n');
		}
		options.write(`\nThe objects stay in ${path.join(dir, 's3', DEMO_BUCKET)}; run again for a fresh start, or with --runs 3 to watch new events arrive.\n`);
		return exitCode;
	} finally {
		client.destroy();
		s3rver.httpServer?.closeAllConnections?.();
		await Promise.allSettled([s3rver.close(), sandbox.close()]);
	}
}
