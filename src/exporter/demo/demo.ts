import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { EXIT } from '../exit-codes';
import { resolveConfig } from '../intake/resolve-settings';
import type { ExportConfig } from '../intake/settings';
import type { Reporter } from '../report/reporter';
import { runExport } from '../run/run-export';
import { Storage } from '../storage/storage';
import { DEMO_LOG, prepareDemoDir } from './demo-dir';
import { DEMO_BUCKET, DEMO_S3_CREDENTIALS, loadDemoParts, startDemoServices, type DemoServices } from './demo-services';
import { DEMO_AGAIN, firstLines, shortSummary } from './demo-text';

export { DEMO_BUCKET, DEMO_S3_CREDENTIALS } from './demo-services';

export interface DemoOptions {
	/** Folder for the S3 data, the state, the shipment list and the log; the demo's own files in it are wiped first unless `keep`. */
	dir: string;
	/** Exports to run; between two, the sandbox timelines advance and the clock moves one hour. */
	runs: number;
	/** First rows of each object to print. */
	rows: number;
	keep: boolean;
	gzip: boolean;
	reporter: Reporter;
	/** Where the person reads: a short summary per run, the object key and its first rows. */
	write: (text: string) => void;
}

/**
 * The offline demo: a sandbox of the carrier services and an s3rver on
 * 127.0.0.1, one export (or more), each told in a few lines. No account, no network.
 */
export async function runDemo(options: DemoOptions): Promise<number> {
	const parts = await loadDemoParts();
	const dir = path.resolve(options.dir);
	await prepareDemoDir(dir, options.keep);
	await fs.mkdir(path.join(dir, 's3'), { recursive: true });
	// One clock for the exporter and the sandbox: each further run is an hour later.
	let offsetMs = 0;
	const now = () => new Date(Date.now() + offsetMs);
	const services = await startDemoServices(parts, dir, now);
	try {
		const config = await demoConfig(dir, services, options.gzip);
		options.write(`Sandbox carrier services and a local S3 (s3rver) on 127.0.0.1; data, state and log in ${dir}\n`);
		const storage = new Storage(() => services.s3);
		let exitCode: number = EXIT.OK;
		for (let run = 1; run <= options.runs && exitCode === EXIT.OK; run++) {
			if (run > 1) {
				offsetMs += 60 * 60_000;
				services.advance();
				options.write(`\n--- one hour later, the timelines have moved on ---\n`);
			}
			const summary = await runExport(config, now(), { storage, reporter: options.reporter, now });
			exitCode = summary.exitCode;
			options.write(`\n${shortSummary(summary)}`);
			for (const object of summary.objects) await printObject(options, storage, object);
		}
		options.write(closingHint(dir, exitCode));
		return exitCode;
	} finally {
		await services.close();
	}
}

/** The object's key and its first rows. */
async function printObject(options: DemoOptions, storage: Storage, object: { url: string; key: string }): Promise<void> {
	options.write(`  object key: ${object.key}\n`);
	const stream = await storage.openRead(storage.parse(object.url));
	if (!stream || options.rows === 0) return;
	options.write(`  first rows:\n`);
	for (const line of await firstLines(stream, object.key.endsWith('.gz'), options.rows)) options.write(`    ${line}\n`);
}

function closingHint(dir: string, exitCode: number): string {
	const log = path.join(dir, DEMO_LOG);
	if (exitCode !== EXIT.OK) return `\nThe demo stopped (exit code ${exitCode}); the full log is in ${log}.\n`;
	return `\nThe objects stay in ${path.join(dir, 's3', DEMO_BUCKET)}, the full log in ${log}.\nNext: ${DEMO_AGAIN} to watch new events arrive run after run.\n`;
}

/** The sample shipments as the list, and settings pointing at the sandbox and the local S3. */
async function demoConfig(dir: string, services: DemoServices, gzip: boolean): Promise<ExportConfig> {
	const shipments = path.join(dir, 'shipments.csv');
	const lines = ['provider,carrier,tracking_number,phone'];
	for (const s of services.sandbox.sampleShipments()) lines.push([s.provider, s.carrier, s.trackingNumber, s.phone ?? ''].join(','));
	await fs.writeFile(shipments, `${lines.join('\n')}\n`);
	const { config: defaults } = await resolveConfig({ env: {}, flags: {} });
	return {
		...defaults,
		shipments,
		state: path.join(dir, 'state.json'),
		output: `s3://${DEMO_BUCKET}/exports/tracking`,
		gzip,
		concurrency: 4,
		s3: { ...defaults.s3, endpoint: services.s3Endpoint, region: 'us-east-1', forcePathStyle: true, ...DEMO_S3_CREDENTIALS },
		kuaidi100: { ...defaults.kuaidi100, ...services.sandbox.SANDBOX_KUAIDI100, baseUrl: services.kuaidi100BaseUrl },
		keydelivery: { ...defaults.keydelivery, ...services.sandbox.SANDBOX_KEYDELIVERY, baseUrl: services.keyDeliveryBaseUrl },
	};
}
