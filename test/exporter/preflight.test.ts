import { readFile, rm } from 'node:fs/promises';
import * as net from 'node:net';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExportConfig } from '../../src/exporter/intake/settings';
import { EXIT } from '../../src/exporter/exit-codes';
import type { Journal } from '../../src/exporter/state/journal';
import { Storage, createS3Client } from '../../src/exporter/storage/storage';
import { sampleShipments } from '../../src/sandbox';
import { Clock, harness, listKeys, sandboxAt, startFaultyProxy, tempDir, testConfig, writeShipments, useLocalS3 } from './helpers';

const local = useLocalS3();
const cleanups = local.cleanups;

async function setup() {
	const clock = new Clock(Date.parse('2024-03-10T02:00:00Z'));
	const sandbox = await sandboxAt(clock);
	const dir = await tempDir('exporter-preflight-');
	cleanups.push(async () => {
		await sandbox.close();
		await rm(dir, { recursive: true, force: true });
	});
	await writeShipments(dir, sampleShipments());
	const config = await testConfig(sandbox, local.s3.endpoint, dir);
	return { clock, sandbox, dir, config };
}

/** Runs with an S3 client built from the config, as the command line does. */
async function runWith(config: ExportConfig, clock: Clock) {
	const client = createS3Client({ ...config.s3, maxAttempts: 1 });
	try {
		return await harness(clock, local.s3).run(config, clock.now(), { storage: new Storage(() => client) });
	} finally {
		client.destroy();
	}
}

async function journalOf(file: string): Promise<Journal | null> {
	return JSON.parse(await readFile(file, 'utf8').catch(() => 'null')) as Journal | null;
}

async function closedPort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as net.AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

describe('preflight: no query is spent when the output or the state cannot be written', () => {
	it('a bucket that does not exist: exit 2, says which setting to fix, zero requests, nothing reserved', async () => {
		const { sandbox, dir, config, clock } = await setup();
		const summary = await runWith({ ...config, output: 's3://no-such-bucket/events' }, clock);
		expect(summary.exitCode).toBe(EXIT.CONFIG);
		expect(summary.error).toMatch(/The bucket "no-such-bucket" does not exist at the S3 endpoint http:\/\/127\.0\.0\.1:\d+: create it, or fix --output \(TRACKING_EXPORT_OUTPUT\)/);
		expect(sandbox.requests).toHaveLength(0);
		const journal = await journalOf(path.join(dir, 'state.journal.json'));
		expect(journal?.queries ?? {}).toEqual({});
		expect(journal?.inflight).toBeUndefined();
	});

	it('state in a bucket that does not exist: exit 2 naming --state, zero requests', async () => {
		const { sandbox, config, clock } = await setup();
		const summary = await runWith({ ...config, state: 's3://no-state-bucket/export/state.json' }, clock);
		expect(summary.exitCode).toBe(EXIT.CONFIG);
		expect(summary.error).toMatch(/"no-state-bucket" does not exist .* --state \(TRACKING_EXPORT_STATE\)/);
		expect(sandbox.requests).toHaveLength(0);
	});

	it('S3 refusing the credentials (403 SignatureDoesNotMatch): exit 2, says to check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, zero requests', async () => {
		const { sandbox, dir, config, clock } = await setup();
		// s3rver takes any secret: a proxy answers writes as S3 does for a wrong one.
		const refusing = await startFaultyProxy(local.s3.endpoint, (method) => method !== 'GET' && method !== 'HEAD', { status: 403, code: 'SignatureDoesNotMatch' });
		cleanups.push(refusing.close);
		const summary = await runWith({ ...config, s3: { ...config.s3, endpoint: refusing.endpoint, secretAccessKey: 'not-the-secret' } }, clock);
		expect(summary.exitCode).toBe(EXIT.CONFIG);
		expect(summary.error).toMatch(/refused access to s3:\/\/exports\/.*\(SignatureDoesNotMatch\): check the S3 credentials \(AWS_ACCESS_KEY_ID \/ AWS_SECRET_ACCESS_KEY/);
		expect(summary.error).not.toContain('not-the-secret');
		expect(sandbox.requests).toHaveLength(0);
		expect((await journalOf(path.join(dir, 'state.journal.json')))?.queries ?? {}).toEqual({});
	});

	it('no S3 credentials at all: exit 2, says what to set, zero requests', async () => {
		const { sandbox, config, clock } = await setup();
		const saved = { ...process.env };
		for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE']) delete process.env[name];
		Object.assign(process.env, {
			AWS_EC2_METADATA_DISABLED: 'true',
			AWS_SHARED_CREDENTIALS_FILE: path.join(config.state, 'none'),
			AWS_CONFIG_FILE: path.join(config.state, 'none'),
		});
		try {
			const summary = await runWith({ ...config, s3: { ...config.s3, accessKeyId: '', secretAccessKey: '' } }, clock);
			expect(summary.exitCode).toBe(EXIT.CONFIG);
			expect(summary.error).toMatch(/No S3 credentials to reach .*: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
		} finally {
			process.env = saved;
		}
		expect(sandbox.requests).toHaveLength(0);
	});

	it('an unreachable endpoint: exit 1, says to check --s3-endpoint, zero requests, nothing reserved', async () => {
		const { sandbox, dir, config, clock } = await setup();
		const endpoint = `http://127.0.0.1:${await closedPort()}`;
		const summary = await runWith({ ...config, s3: { ...config.s3, endpoint } }, clock);
		expect(summary.exitCode).toBe(EXIT.FAILED);
		expect(summary.error).toMatch(/Could not reach the S3 endpoint http:\/\/127\.0\.0\.1:\d+ .*\(ECONNREFUSED\): check --s3-endpoint \(TRACKING_EXPORT_S3_ENDPOINT\)/);
		expect(sandbox.requests).toHaveLength(0);
		expect((await journalOf(path.join(dir, 'state.journal.json')))?.queries ?? {}).toEqual({});
	});

	it('a state path that cannot be written: exit 2 naming --state, zero requests', async () => {
		const { sandbox, dir, config, clock } = await setup();
		const summary = await runWith({ ...config, state: path.join(dir, 'shipments.csv', 'state.json') }, clock);
		expect(summary.exitCode).toBe(EXIT.CONFIG);
		expect(summary.error).toMatch(/\(ENOTDIR\): give a writable place with --state \(TRACKING_EXPORT_STATE\)/);
		expect(sandbox.requests).toHaveLength(0);
	});

	it('a good setup passes preflight and leaves no trace of it in the bucket', async () => {
		const { sandbox, dir, config, clock } = await setup();
		const summary = await runWith(config, clock);
		expect(summary.error).toBeUndefined();
		expect(sandbox.requests.length).toBeGreaterThan(0);
		const keys = await listKeys(local.s3.client, `${path.basename(dir)}/`);
		expect(keys.filter((k) => !k.includes('_manifests/'))).toEqual([summary.objects[0].key]);
	});
});
