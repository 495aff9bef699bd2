/**
 * Issue 9 end to end, queue mode (n8n 2.41.1 only, E2E_N8N_LINE=2): Redis, a main
 * process, two webhook processes and a worker; pushes alternate between the webhook
 * processes as a load balancer would. Each process remembers only what it saw, so the
 * same parcel can fire once per process: examples/email-when-delivered-queue-mode.json
 * (Redis INCR on the item's dedup_key + IF) must still send one email per parcel.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { milestoneDedupKey } from '../../src/core/keys';
import { SANDBOX_KUAIDI100, type BuiltPush } from '../../src/sandbox';
import { loadExample, triggerPath, useCredentials } from './lib/fixtures';
import { ensureN8n } from './lib/install';
import { N8n, type CredentialFixture, type WorkflowFixture } from './lib/n8n';
import { buildAndPack } from './lib/pack';
import { deliveredParcel, deliveredPush, KUAIDI100_ACK, sendInWaves, sleep } from './lib/pushes';
import { QueueCluster, redisCommand, startRedis, type Redis } from './lib/queue';
import { smtpCredential, startSmtpSink, type SmtpSink } from './lib/smtp-sink';

/** How long to wait for emails that must NOT come (a job takes well under a second here). */
const SETTLE_MS = 5_000;

// Queue mode is checked on the 2.x line (the e2e config runs this file only there).
/**
 * Sends like the service: a push that got no ack (n8n answers 500 when it cannot create
 * the execution, e.g. SQLite busy across the four processes) is sent again, at most 5
 * times. Returns the last reply of each push.
 */
async function sendUntilAcked(urls: string[], pushes: BuiltPush[], width: number): Promise<Array<{ status: number; body: string }>> {
	const replies = await sendInWaves(urls, pushes, width);
	for (let round = 1; round < 5; round++) {
		const open = replies.map((r, i) => (r.status === 200 && r.body === KUAIDI100_ACK ? -1 : i)).filter((i) => i >= 0);
		if (open.length === 0) break;
		console.log(`queue mode: ${open.length} push(es) not acked (${[...new Set(open.map((i) => replies[i].status))].join(', ')}), sent again`);
		const again = await sendInWaves(urls, open.map((i) => pushes[i]), width);
		open.forEach((index, k) => (replies[index] = again[k]));
	}
	return replies;
}

describe('Tracking Webhook Trigger in n8n queue mode: one email per delivered parcel', () => {
	let work: string;
	let n8n: N8n;
	let redis: Redis;
	let cluster: QueueCluster;
	let smtp: SmtpSink;
	let workflow: WorkflowFixture;
	let urls: string[];

	const subjects = () => smtp.messages.map((m) => m.header('subject') ?? '');

	/** When emails are missing: what n8n did with each parcel that got none, and the processes' last output. */
	async function whyMissing(trackingNumbers: string[]): Promise<string> {
		const missing = trackingNumbers.filter((number) => !smtp.messages.some((m) => m.text.includes(number)));
		const rows = await n8n.db.executions(workflow.id);
		const statuses: Record<string, number> = {};
		for (const row of rows) statuses[row.status] = (statuses[row.status] ?? 0) + 1;
		const lines = [`parcels without an email: ${missing.join(', ') || 'none'}`, `executions by status: ${JSON.stringify(statuses)}`];
		for (const row of rows) {
			const execution = await n8n.db.execution(row.id);
			const about = missing.filter((number) => JSON.stringify(execution.data ?? {}).includes(number));
			if (row.status === 'success' && about.length === 0) continue;
			lines.push(`execution ${row.id} (${row.status}) for ${about.join(', ') || '?'}: ran ${execution.nodesRun().join(' > ')}; ${execution.errorText().slice(0, 600)}`);
		}
		return `${lines.join('\n')}\n${cluster.output()}`;
	}

	async function expectEmails(count: number, timeoutMs: number, trackingNumbers: string[]): Promise<void> {
		try {
			await smtp.waitForMessages(count, timeoutMs);
		} catch (error) {
			throw new Error(`${(error as Error).message}\n${await whyMissing(trackingNumbers)}`);
		}
	}

	beforeAll(async () => {
		work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-kuaidi100-queue-'));
		const building = buildAndPack(work);
		building.catch(() => undefined);
		n8n = new N8n(await ensureN8n(2), path.join(work, 'user'));
		[redis, smtp] = await Promise.all([startRedis(path.join(work, 'redis')), startSmtpSink()]);
		const credentials: CredentialFixture[] = [
			{
				id: 'queueKuaidi100',
				name: 'Kuaidi100 (sandbox salt)',
				type: 'kuaidi100Api',
				data: { customer: SANDBOX_KUAIDI100.customer, key: SANDBOX_KUAIDI100.key, salt: SANDBOX_KUAIDI100.salt },
			},
			{ id: 'queueRedis', name: 'Redis (queue)', type: 'redis', data: { host: '127.0.0.1', port: redis.port, database: 0, password: '', ssl: false } },
			smtpCredential(smtp, 'queueSmtp'),
		];
		workflow = useCredentials(loadExample('email-when-delivered-queue-mode.json'), credentials);
		await n8n.importCredentials(credentials);
		await n8n.importWorkflows([workflow]);
		await n8n.installPackage((await building).tarball);
		await n8n.activate(workflow.id);
		cluster = new QueueCluster(n8n, redis.port);
		await cluster.start(triggerPath(workflow));
		urls = cluster.webhookBaseUrls().map((base) => `${base}${triggerPath(workflow)}?orderId=3003&email=queue@example.com`);
	}, 15 * 60_000);

	afterAll(async () => {
		await cluster?.stop();
		await redis?.stop();
		await smtp?.close();
		if (work && !process.env.E2E_KEEP) fs.rmSync(work, { recursive: true, force: true });
	});

	it('30 parcels pushed concurrently across both webhook processes, then again: 30 emails, one per parcel', async () => {
		const parcels = Array.from({ length: 30 }, (_, i) => deliveredParcel('YTQUEUE', i));
		const pushes = parcels.map((p) => deliveredPush(p));
		const first = await sendUntilAcked(urls, pushes, 30);
		expect(first.every((r) => r.status === 200 && r.body === KUAIDI100_ACK), JSON.stringify(first.slice(0, 3))).toBe(true);
		await expectEmails(30, 90_000, parcels.map((p) => p.trackingNumber));
		// Again, in the other order of processes (each parcel now reaches the process that did not see it).
		const again = await sendInWaves([...urls].reverse(), pushes, 30);
		expect(again.every((r) => r.status === 200)).toBe(true);
		await sleep(SETTLE_MS);
		expect(smtp.messages).toHaveLength(30);
		expect(new Set(subjects()).size).toBe(1); // all for order 3003 ...
		const bodies = smtp.messages.map((m) => parcels.findIndex((p) => m.text.includes(p.trackingNumber)));
		expect(new Set(bodies).size).toBe(30); // ... one per parcel
		// The counters the example keeps in Redis: 1 per parcel that was let through.
		const counter = await redisCommand(redis.port, 'GET', milestoneDedupKey('kuaidi100', 'yuantong', parcels[0].trackingNumber, 'delivered'));
		expect(counter).toMatch(/^\$\d+\r\n[1-9]/);
	});

	it('one delivered push sent 5 times at once across both processes: one email', async () => {
		const before = smtp.messages.length;
		const push = deliveredPush(deliveredParcel('YTQUEUE5X', 1));
		const replies = await sendUntilAcked(urls, Array.from({ length: 5 }, () => push), 5);
		expect(replies.every((r) => r.status === 200 && r.body === KUAIDI100_ACK)).toBe(true);
		await expectEmails(before + 1, 60_000, [deliveredParcel('YTQUEUE5X', 1).trackingNumber]);
		await sleep(SETTLE_MS);
		expect(smtp.messages.length - before).toBe(1);
		// Each webhook process fires at most once; Redis + IF let one of them through.
		const executions = await n8n.db.query<{ n: number }>(`SELECT count(*) AS n FROM execution_entity WHERE workflowId = '${workflow.id}'`);
		expect(executions[0].n).toBeGreaterThanOrEqual(31);
	});
});
