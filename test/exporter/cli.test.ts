import { EventEmitter } from 'node:events';
import { chmod, readdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type * as CliModule from '../../src/exporter/cli/main';
import type * as DemoModule from '../../src/exporter/demo/demo';
import type { DemoSandboxModule } from '../../src/exporter/demo/demo-services';
import * as sandboxModule from '../../src/sandbox';
import { EXIT } from '../../src/exporter/exit-codes';
import { MemoryReporter } from '../../src/exporter/report/memory-reporter';
import { SANDBOX_KEYDELIVERY, SANDBOX_KUAIDI100, sampleShipments, type Sandbox } from '../../src/sandbox';
import { compiled } from './compiled';
import { BUCKET, Clock, SECRETS, listKeys, sandboxAt, startS3, tempDir, writeShipments, type LocalS3 } from './helpers';

// The command line and the demo as the package runs them: compiled, with the encoder threads next to them.
const [mainJs, demoJs] = compiled('src/exporter/cli/main.ts', 'src/exporter/demo/demo.ts', 'src/sandbox/index.ts');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { main } = require(mainJs) as typeof CliModule;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runDemo } = require(demoJs) as typeof DemoModule;
// The demo loads the sandbox by a name tsc does not follow: the type says what it needs, and the sandbox has it.
const demoSandbox: DemoSandboxModule = sandboxModule;

interface Captured {
	code: number;
	stdout: string;
	stderr: string;
}

async function cli(argv: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; now?: () => Date; stderr?: { write(text: string): unknown; isTTY?: boolean } } = {}): Promise<Captured> {
	let stdout = '';
	let stderr = '';
	const code = await main(argv, {
		stdout: { write: (t: string) => (stdout += t), isTTY: false },
		stderr: options.stderr ?? { write: (t: string) => (stderr += t), isTTY: false },
		env: options.env ?? {},
		cwd: options.cwd ?? process.cwd(),
		signals: new EventEmitter(),
		...(options.now ? { now: options.now } : {}),
	});
	return { code, stdout, stderr };
}

describe('tracking-export --help', () => {
	it('documents every command, option, environment variable and exit code', async () => {
		const top = await cli(['--help']);
		expect(top.code).toBe(0);
		for (const word of ['run', 'schedule', 'demo', '--config', 'Exit codes']) expect(top.stdout).toContain(word);

		const run = await cli(['run', '--help']);
		expect(run.code).toBe(0);
		for (const word of [
			'--shipments', '--state', '--output', '--gzip', '--concurrency', '--rps', '--scheduled-time', '--s3-endpoint',
			'--s3-region', '--s3-path-style', '--log-format', 'KUAIDI100_KEY', 'KEYDELIVERY_SECRET', 'TRACKING_EXPORT_OUTPUT',
			'flags, then environment variables, then the config file', '3    fatal account error',
		]) {
			expect(run.stdout).toContain(word);
		}
		expect(run.stdout).not.toMatch(/--key\b|--secret\b|--customer\b/);

		const schedule = await cli(['schedule', '--help']);
		for (const word of ['--cron', '--timezone', '0 2 * * *', 'SIGTERM']) expect(schedule.stdout).toContain(word);
		expect(schedule.stdout).not.toContain('--scheduled-time');

		// One exit-code table: every code the command can return is in the help.
		for (const code of new Set(Object.values(EXIT))) expect(run.stdout).toMatch(new RegExp(`\\n  ${code} +\\S|\\(${code}: SIGTERM\\)`));

		const demo = await cli(['demo', '--help']);
		for (const word of ['--dir', '--runs', 's3rver']) expect(demo.stdout).toContain(word);
	});

	it('answers a usage error with exit code 2', async () => {
		const unknown = await cli(['run', '--bogus']);
		expect(unknown.code).toBe(EXIT.CONFIG);
		expect(unknown.stderr).toMatch(/unknown option '--bogus'/);
		const secretFlag = await cli(['run', '--key', 'abc']);
		expect(secretFlag.code).toBe(EXIT.CONFIG);
		const missing = await cli(['run', '--shipments', 'x.csv']);
		expect(missing.code).toBe(EXIT.CONFIG);
		expect(missing.stdout).toMatch(/No destination: give --output/);
		const badTime = await cli(['run', '--scheduled-time', 'yesterday'], { env: { TRACKING_EXPORT_OUTPUT: 's3://b/p', TRACKING_EXPORT_SHIPMENTS: 'x.csv' } });
		expect(badTime.code).toBe(EXIT.CONFIG);
		expect(badTime.stderr).toMatch(/--scheduled-time must be/);
	});
});

describe('tracking-export --version', () => {
	it("prints the exporter package's own version", async () => {
		const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'src', 'exporter', 'package.json'), 'utf8')) as { version: string };
		const result = await cli(['--version']);
		expect(result.code).toBe(0);
		expect(result.stdout.trim()).toBe(manifest.version);
		expect(manifest.version).not.toBe('0.0.0');
	});
});

describe('tracking-export run (through the command line)', () => {
	let s3: LocalS3;
	let sandbox: Sandbox;
	let dir: string;
	const clock = new Clock(Date.parse('2024-03-10T02:00:00Z'));
	let env: NodeJS.ProcessEnv;

	beforeAll(async () => {
		s3 = await startS3();
		sandbox = await sandboxAt(clock);
		dir = await tempDir('exporter-cli-');
		await writeShipments(dir, sampleShipments());
		const configFile = path.join(dir, 'export.json');
		await writeFile(
			configFile,
			JSON.stringify({
				output: `s3://${BUCKET}/cli/events`,
				s3: { endpoint: s3.endpoint, forcePathStyle: true, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
				kuaidi100: { baseUrl: sandbox.kuaidi100BaseUrl, customer: SANDBOX_KUAIDI100.customer },
				keydelivery: { baseUrl: sandbox.keyDeliveryBaseUrl },
			}),
		);
		await chmod(configFile, 0o600);
		env = {
			TRACKING_EXPORT_CONFIG: configFile,
			TRACKING_EXPORT_SHIPMENTS: 'shipments.csv',
			TRACKING_EXPORT_STATE: 'state/export.json',
			KUAIDI100_KEY: SANDBOX_KUAIDI100.key,
			KEYDELIVERY_API_KEY: SANDBOX_KEYDELIVERY.apiKey,
			KEYDELIVERY_SECRET: SANDBOX_KEYDELIVERY.secret,
		};
	});
	afterAll(async () => {
		await sandbox.close();
		await s3.close();
		await rm(dir, { recursive: true, force: true });
	});

	it('runs one export: JSON lines when not on a terminal, exit 0, no secret in any output', async () => {
		const result = await cli(['run', '--gzip', '--scheduled-time', '2024-03-10T02:00:00Z', '--concurrency', '3'], { env, cwd: dir, now: clock.now });
		expect(result.code).toBe(0);
		const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
		const summary = lines.find((l) => l.event === 'run.summary') as Record<string, unknown> & { objects: Array<{ key: string }> };
		expect(summary.status).toBe('ok');
		expect(summary.objects[0].key).toBe('cli/events/dt=2024-03-10/20240310T020000Z.csv.gz');
		expect(await listKeys(s3.client, 'cli/')).toHaveLength(2);
		expect(await readdir(path.join(dir, 'state'))).toEqual(['export.journal.json', 'export.json']);
		for (const secret of SECRETS) {
			expect(result.stdout).not.toContain(secret);
			expect(result.stderr).not.toContain(secret);
		}

		// The same slot again: already done, nothing written.
		const again = await cli(['run', '--scheduled-time', '2024-03-10T02:00:00Z'], { env, cwd: dir, now: clock.now });
		expect(again.code).toBe(0);
		expect(again.stdout).toContain('"status":"already-done"');
	});

	it('exits 3 on a fatal account error and 2 when a credential is missing', async () => {
		clock.advanceMinutes(45);
		sandbox.setCredentials({ kuaidi100KeyExpired: true });
		const fatal = await cli(['run'], { env, cwd: dir, now: clock.now });
		sandbox.setCredentials({ kuaidi100KeyExpired: false });
		expect(fatal.code).toBe(EXIT.FATAL_ACCOUNT);
		expect(fatal.stdout).toMatch(/"event":"run.fatal"/);

		const noKey = await cli(['run'], { env: { ...env, KUAIDI100_KEY: '' }, cwd: dir, now: clock.now });
		expect(noKey.code).toBe(EXIT.CONFIG);
		expect(noKey.stdout).toMatch(/set KUAIDI100_CUSTOMER and KUAIDI100_KEY/);
		for (const secret of SECRETS) expect(fatal.stdout + noKey.stdout).not.toContain(secret);
	});
});

describe('the demo', () => {
	it('runs offline against the sandbox and s3rver, and tells each run in a few lines: summary, object key, first rows', async () => {
		expect(typeof demoSandbox.startSandbox).toBe('function');
		const dir = await tempDir('exporter-demo-');
		let out = '';
		const reporter = new MemoryReporter();
		try {
			const code = await runDemo({ dir, runs: 2, rows: 3, keep: false, gzip: true, reporter, write: (t) => (out += t) });
			expect(code).toBe(0);
			expect(out).toMatch(/^Run \d{8}T\d{6}Z done: [1-9]\d* new event\(s\) from 14 shipment\(s\)$/m);
			expect(out).toMatch(/object key: exports\/tracking\/dt=\d{4}-\d{2}-\d{2}\/\d{8}T\d{6}Z\.csv\.gz/);
			expect(out).toContain('    event_id,provider,carrier,tracking_number,event_time');
			expect(out).toContain('Next: npm run demo -- --runs 3');
			expect(reporter.summaries).toHaveLength(2);
			expect(reporter.summaries[0].events.new).toBeGreaterThan(0);
			expect(reporter.summaries[1].events.duplicate).toBeGreaterThan(0);
			expect(reporter.summaries[1].shipments.skippedLockout).toBe(0);
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	});

	it('piped: a short summary on stdout, the JSON log in a file; --json-logs prints only JSON lines', async () => {
		const parent = await tempDir('exporter-demo-pipe-');
		try {
			const piped = await cli(['demo', '--dir', 'quiet', '--rows', '1'], { cwd: parent });
			expect(piped.code).toBe(0);
			expect(piped.stdout).toMatch(/^Run \d{8}T\d{6}Z done: /m);
			expect(piped.stdout.split('\n').filter((line) => line.startsWith('{'))).toEqual([]);
			expect(piped.stdout.split('\n').length).toBeLessThan(15);
			expect(piped.stderr).toBe('');
			const logged = readFileSync(path.join(parent, 'quiet', 'demo.log'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { event: string });
			expect(logged.map((record) => record.event)).toEqual(expect.arrayContaining(['run.start', 'shipments.due', 'run.committed', 'run.summary']));

			const json = await cli(['demo', '--dir', 'json', '--json-logs'], { cwd: parent });
			expect(json.code).toBe(0);
			const records = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { event: string });
			expect(records.map((record) => record.event)).toEqual(expect.arrayContaining(['run.start', 'run.summary']));
			expect(await readdir(path.join(parent, 'json'))).not.toContain('demo.log');
		} finally {
			await rm(parent, { recursive: true, force: true });
		}
	});

	it('on a terminal: the progress bar alone on stderr, no log line between its redraws; the text after it on stdout', async () => {
		const parent = await tempDir('exporter-demo-tty-');
		let terminal = '';
		try {
			const result = await cli(['demo', '--dir', 'tty', '--rows', '0'], { cwd: parent, stderr: { write: (t: string) => (terminal += t), isTTY: true } });
			expect(result.code).toBe(0);
			expect(terminal).toMatch(/14\/14 shipments \| \d+ new events \| 0 failed/);
			// Nothing but the bar's own frames: no log message reaches the terminal while it runs.
			expect(terminal).not.toMatch(/shipment\(s\) due|State saved|Run \d{8}T/);
			expect(result.stdout).toMatch(/^Run \d{8}T\d{6}Z done: /m);
			expect(result.stdout).not.toContain('shipments |');
		} finally {
			await rm(parent, { recursive: true, force: true });
		}
	});

	it('its closing hint is a command that works: the npm script exists, runs the dev build, and takes the arguments of the hint', async () => {
		const parent = await tempDir('exporter-demo-hint-');
		try {
			const first = await cli(['demo', '--dir', 'hint', '--rows', '0'], { cwd: parent });
			const hint = /^Next: (npm run demo -- (.+)) to watch/m.exec(first.stdout);
			expect(hint?.[1]).toBe('npm run demo -- --runs 3');
			const root = path.join(__dirname, '..', '..');
			const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
			const devConfig = JSON.parse(readFileSync(path.join(root, 'src', 'exporter', 'tsconfig.dev.json'), 'utf8')) as { compilerOptions: { outDir: string } };
			// npm appends the arguments after "--" to the script's last command: the CLI's demo, as the dev build emits it.
			expect(scripts.demo).toMatch(/tsconfig|build:dev/);
			expect(scripts.demo.endsWith(`node src/exporter/${devConfig.compilerOptions.outDir}/exporter/cli/main.js demo`)).toBe(true);
			const again = await cli(['demo', '--dir', 'hint', ...hint![2].split(' '), '--rows', '0'], { cwd: parent });
			expect(again.code).toBe(0);
			expect(again.stdout.match(/^Run \d{8}T\d{6}Z done: /gm)).toHaveLength(3);
		} finally {
			await rm(parent, { recursive: true, force: true });
		}
	});

	it('never deletes a folder it did not create: refuses one with other files (exit 2), wipes only its own', async () => {
		const parent = await tempDir('exporter-demo-dir-');
		try {
			await writeFile(path.join(parent, 'precious.txt'), 'keep me');
			const refused = await cli(['demo', '--dir', '.', '--runs', '1'], { cwd: parent });
			expect(refused.code).toBe(EXIT.CONFIG);
			expect(refused.stderr).toMatch(/holds files the demo did not write \(precious\.txt\)/);
			expect(await readdir(parent)).toEqual(['precious.txt']);

			// A folder the demo creates is its own: a second demo wipes and reuses it.
			const own = path.join(parent, 'demo-data');
			const quiet = { reporter: new MemoryReporter(), write: () => undefined, runs: 1, rows: 1, keep: false, gzip: false };
			expect(await runDemo({ dir: own, ...quiet })).toBe(0);
			await writeFile(path.join(own, 'scratch.txt'), 'the demo may delete this');
			expect(await runDemo({ dir: own, ...quiet })).toBe(0);
			expect(await readdir(own)).not.toContain('scratch.txt');
			expect(await readdir(parent)).toEqual(['demo-data', 'precious.txt']);
		} finally {
			await rm(parent, { recursive: true, force: true });
		}
	});
});
