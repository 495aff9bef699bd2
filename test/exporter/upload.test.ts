import { access, readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/exporter/exit-codes';
import { ObjectWriter } from '../../src/exporter/emit/object-writer';
import { createS3Client } from '../../src/exporter/storage/storage';
import { TRACKING_EVENT_COLUMNS } from '../../src/normalize/event';
import type { SandboxShipment } from '../../src/sandbox';
import {
	BUCKET,
	Clock,
	S3_CREDENTIALS,
	expectedEventIds,
	harness,
	listKeys,
	readCsvObject,
	sandboxAt,
	startFaultyProxy,
	startS3,
	tempDir,
	testConfig,
	writeShipments,
	type LocalS3,
} from './helpers';

let s3: LocalS3;
beforeAll(async () => {
	s3 = await startS3();
});
afterAll(async () => {
	await s3.close();
});

const MiB = 1024 * 1024;
/** More than one 5 MiB part is the point: about 5 s on a busy 2-core machine, a small share of this. */
const MULTIPART_TIMEOUT_MS = 120_000;

/** Enough KeyDelivery events for more than one 5 MiB part (about 6.5 MB of CSV). */
function bigShipments(): SandboxShipment[] {
	const filler = 'Parcel scanned at the sorting centre, conveyor line, bay and gate recorded; '.repeat(30);
	return Array.from({ length: 40 }, (_, s) => ({
		provider: 'keydelivery' as const,
		carrier: 'dhl',
		trackingNumber: `77${String(1000000 + s)}`,
		timeline: Array.from({ length: 60 }, (_, e) => ({
			time: `2024-05-${String(1 + Math.floor(e / 24)).padStart(2, '0')} ${String(e % 24).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}:00`,
			statusCode: '0',
			status: 'In Transit',
			context: `#${s}-${e} ${filler}`,
			areaName: 'Leipzig',
			location: 'Leipzig Hub',
		})),
	}));
}

function isUploadPart(method: string, url: URL, part: string): boolean {
	return method === 'PUT' && url.searchParams.get('partNumber') === part;
}

describe('upload failures leave no object behind', () => {
	it('S3 failing mid-upload: the multipart upload is aborted, no object, state unchanged, exit code 1; the rerun loses nothing', async () => {
		const clock = new Clock(Date.parse('2024-05-04T02:00:00Z'));
		const sandbox = await sandboxAt(clock, { shipments: bigShipments(), revealSteps: 1000 });
		const dir = await tempDir();
		const proxy = await startFaultyProxy(s3.endpoint, (method, url) => isUploadPart(method, url, '2'));
		try {
			await writeShipments(dir, sandbox.shipments);
			const direct = await testConfig(sandbox, s3.endpoint, dir, { partSizeMb: 5 });
			const viaProxy = { ...direct, s3: { ...direct.s3, endpoint: proxy.endpoint } };
			const proxyClient = createS3Client({ endpoint: proxy.endpoint, forcePathStyle: true, ...S3_CREDENTIALS });
			const h = harness(clock, { ...s3, client: proxyClient });
			const prefix = `${path.basename(dir)}/`;

			const failed = await h.run(viaProxy);
			proxyClient.destroy();
			expect(failed.status).toBe('failed');
			expect(failed.exitCode).toBe(EXIT.FAILED);
			expect(failed.error).toMatch(/Upload of s3:\/\/exports\/.+ failed/);
			expect(failed.committed).toBe(false);
			// Part 1 went through, part 2 failed every attempt, then the upload was aborted.
			expect(proxy.seen.some((r) => r.startsWith('PUT') && r.includes('partNumber=1'))).toBe(true);
			expect(proxy.failed.length).toBeGreaterThanOrEqual(1);
			expect(proxy.seen.some((r) => r.startsWith('DELETE') && r.includes('uploadId='))).toBe(true);
			expect(await listKeys(s3.client, prefix)).toEqual([]);
			await expect(access(path.join(dir, 'state.json'))).rejects.toThrow();
			const journal = JSON.parse(await readFile(path.join(dir, 'state.journal.json'), 'utf8')) as { inflight?: unknown };
			expect(journal.inflight).toBeUndefined();

			// S3 is back: the next run exports every event, once.
			clock.advanceMinutes(60);
			const retry = await harness(clock, s3).run(direct);
			expect(retry.status).toBe('ok');
			const keys = await listKeys(s3.client, prefix);
			expect(keys).toHaveLength(2);
			const object = await readCsvObject(s3.client, retry.objects[0].key);
			expect(object.rows.length).toBe(2400);
			expect(retry.bytes).toBeGreaterThan(5 * MiB);
			expect(object.rows.map((r) => r.event_id).sort()).toEqual(expectedEventIds(sandbox));
		} finally {
			await proxy.close();
			await sandbox.close();
			await rm(dir, { recursive: true, force: true });
		}
	}, MULTIPART_TIMEOUT_MS);

	it('a failing single-part upload (small run) leaves no object and exits 1', async () => {
		const clock = new Clock(Date.parse('2024-05-04T02:00:00Z'));
		const sandbox = await sandboxAt(clock);
		const dir = await tempDir();
		const proxy = await startFaultyProxy(s3.endpoint, (method, url) => method === 'PUT' && url.pathname.endsWith('.csv'));
		try {
			await writeShipments(dir, sandbox.shipments);
			const config = await testConfig(sandbox, proxy.endpoint, dir);
			const proxyClient = createS3Client({ endpoint: proxy.endpoint, forcePathStyle: true, ...S3_CREDENTIALS });
			const summary = await harness(clock, { ...s3, client: proxyClient }).run(config);
			proxyClient.destroy();
			expect(summary.exitCode).toBe(EXIT.FAILED);
			expect(await listKeys(s3.client, `${path.basename(dir)}/`)).toEqual([]);
			await expect(access(path.join(dir, 'state.json'))).rejects.toThrow();
		} finally {
			await proxy.close();
			await sandbox.close();
			await rm(dir, { recursive: true, force: true });
		}
	});

	it('abort() in the middle of a multipart upload aborts it: no object, partial or whole', async () => {
		const proxy = await startFaultyProxy(s3.endpoint, () => false);
		const client = createS3Client({ endpoint: proxy.endpoint, forcePathStyle: true, ...S3_CREDENTIALS });
		try {
			const key = `writer-abort-${Date.now()}/data.csv`;
			const writer = new ObjectWriter({ client, bucket: BUCKET, key, gzip: false, partSize: 5 * MiB });
			const row = TRACKING_EVENT_COLUMNS.map((column) => `${column}-${'x'.repeat(100)}`);
			while (writer.bytes < 11 * MiB) await writer.write(Array.from({ length: 500 }, () => row));
			await writer.abort(new Error('the run failed'));
			expect(proxy.seen.some((r) => r.startsWith('POST') && r.includes('uploads'))).toBe(true);
			expect(proxy.seen.some((r) => r.startsWith('DELETE') && r.includes('uploadId='))).toBe(true);
			expect(proxy.seen.some((r) => r.startsWith('POST') && r.includes('uploadId='))).toBe(false);
			expect(await listKeys(s3.client, key)).toEqual([]);
			await expect(writer.write([row])).rejects.toThrow();
		} finally {
			client.destroy();
			await proxy.close();
		}
	});

	it('writes nothing at all when no row comes', async () => {
		const key = `writer-empty-${Date.now()}/data.csv`;
		const writer = new ObjectWriter({ client: s3.client, bucket: BUCKET, key, gzip: true, partSize: 5 * MiB });
		expect(await writer.finish()).toBeNull();
		expect(await listKeys(s3.client, key)).toEqual([]);
	});
});
