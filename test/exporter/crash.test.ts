import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Journal } from '../../src/exporter/state/journal';
import type { Sandbox, SandboxShipment } from '../../src/sandbox';
import { compiled } from './compiled';
import { Clock, harness, sandboxAt, tempDir, testConfig, writeShipments, useLocalS3 } from './helpers';

const FAKE_START = Date.parse('2024-03-10T02:00:00Z');
const MINUTE = 60_000;
/** A real child process, 40 queries and two reruns: about 8 s on a busy 2-core machine, a small share of this. */
const HEAVY_TIMEOUT_MS = 120_000;

const local = useLocalS3();
const cleanups = local.cleanups;

function kuaidi100Numbers(count: number): SandboxShipment[] {
	return Array.from({ length: count }, (_, i) => ({
		provider: 'kuaidi100' as const,
		carrier: 'yuantong',
		trackingNumber: `YT88${String(i).padStart(8, '0')}`,
		timeline: [
			{ time: '2024-03-08 10:00:00', statusCode: '1', status: 'Collected', context: `collected ${i}` },
			{ time: '2024-03-09 10:00:00', statusCode: '0', status: 'In Transit', context: `in transit ${i}` },
		],
	}));
}

/** Kuaidi100 queries, in the order the sandbox received them: number and sandbox time. */
function kuaidi100Queries(sandbox: Sandbox): Array<{ num: string; at: number }> {
	return sandbox.requests
		.filter((r) => r.provider === 'kuaidi100' && r.path === '/poll/query.do')
		.map((r) => {
			const param = JSON.parse(new URLSearchParams(r.rawBody).get('param') ?? '{}') as { num?: string };
			return { num: String(param.num), at: Date.parse(r.receivedAt) };
		});
}

/** Queries of a number less than 30 minutes after its previous query. */
function tooSoon(queries: Array<{ num: string; at: number }>): string[] {
	const last = new Map<string, number>();
	const bad: string[] = [];
	for (const { num, at } of queries) {
		const previous = last.get(num);
		if (previous !== undefined && at - previous < 30 * MINUTE) bad.push(`${num} after ${((at - previous) / MINUTE).toFixed(1)} min`);
		last.set(num, at);
	}
	return bad;
}

describe('the 30-minute rule across a SIGKILL', () => {
	it('a run killed late in a long run: the rerun just past 30 minutes from the first query re-queries no number within 30 minutes', async () => {
		// Phase 1: a real child process whose clock runs 2000x (50 ms real = 100 s),
		// so 40 queries two at a time span about 33 minutes of the run's clock.
		const factor = 2000;
		const anchor = Date.now();
		const scaled = () => new Date(FAKE_START + (Date.now() - anchor) * factor);
		const fixed = new Clock(FAKE_START);
		let clockNow: () => Date = scaled;
		const clock = { now: () => clockNow() } as Clock;

		const shipments = kuaidi100Numbers(40);
		const sandbox = await sandboxAt(clock, { shipments, replyDelayMs: 50 });
		const dir = await tempDir('exporter-crash-');
		cleanups.push(async () => {
			await sandbox.close();
			await rm(dir, { recursive: true, force: true });
		});
		await writeShipments(dir, shipments);
		const config = await testConfig(sandbox, local.s3.endpoint, dir, { concurrency: 2, rps: 0 });

		const [childScript] = compiled('test/exporter/fixtures/export-child.ts');
		const child = spawn(process.execPath, [childScript], {
			env: {
				PATH: process.env.PATH,
				AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
				CLOCK_FAKE_START: String(FAKE_START),
				CLOCK_REAL_ANCHOR: String(anchor),
				CLOCK_FACTOR: String(factor),
				EXPORT_CONFIG: JSON.stringify(config),
				// A 20-minute lease (600 ms real, so a journal write on a busy machine fits in it), 4 numbers reserved per journal write.
				EXPORT_LEASE: JSON.stringify({ leaseMs: 20 * MINUTE, chunk: 4 }),
			},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
		// SIGKILL late in the run: after 33 of the 40 queries reached the service.
		while (kuaidi100Queries(sandbox).length < 33) {
			const early = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('running'), 2))]);
			if (early !== 'running') throw new Error(`the child ended before the kill (${String(early)}): ${stderr}`);
		}
		child.kill('SIGKILL');
		expect(await exited).toBe('SIGKILL');

		const crashed = kuaidi100Queries(sandbox);
		const span = crashed[crashed.length - 1].at - crashed[0].at;
		expect(span).toBeGreaterThan(15 * MINUTE); // a long run: the window matters inside it
		const journal = JSON.parse(await readFile(path.join(dir, 'state.journal.json'), 'utf8')) as Journal;
		expect(journal.inflight).toBeDefined();

		// Phase 2: a new process 30 min 10 s after the first query, on a clock the test holds.
		fixed.ms = crashed[0].at + 30 * MINUTE + 10_000;
		clockNow = fixed.now;
		const rerun = await harness(fixed, local.s3).run(config);
		expect(rerun.status).toBe('ok');
		expect(rerun.shipments.queried).toBeGreaterThan(0); // numbers never sent are queried now
		expect(tooSoon(kuaidi100Queries(sandbox))).toEqual([]);

		// 30 minutes after the latest bound the crashed run left, every number is due again, none too soon.
		fixed.ms = Math.max(fixed.ms, ...Object.values(journal.queries).map((t) => Date.parse(t))) + 31 * MINUTE;
		const later = await harness(fixed, local.s3).run(config);
		expect(later.status).toBe('ok');
		expect(later.shipments.skippedLockout).toBe(0);
		expect(tooSoon(kuaidi100Queries(sandbox))).toEqual([]);
	}, HEAVY_TIMEOUT_MS);
});
