/**
 * End-to-end: examples/email-when-delivered-polling.json in a real n8n (the line that
 * E2E_N8N_LINE selects) against the fake Kuaidi100 of src/sandbox and a local SMTP
 * sink. Every run is `n8n execute`, i.e. a fresh n8n process: what one run remembers
 * for the next lives in n8n's database or nowhere. The n8n process's clock is moved
 * ahead with libfaketime (and the sandbox's with it), so "an hour later" takes seconds.
 *
 * The example starts from a Schedule Trigger, which `n8n execute` cannot start from; the
 * suite's copy adds a Manual Trigger in front of the same nodes (same node ids).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { milestoneDedupKey } from '../../src/core/keys';
import { SANDBOX_KUAIDI100, startSandbox, type Sandbox } from '../../src/sandbox';
import { clockAheadEnv, executeAhead } from './lib/clock';
import type { Execution } from './lib/db';
import { loadExample, useCredentials } from './lib/fixtures';
import { ensureN8n } from './lib/install';
import { N8n, type CredentialFixture, type WorkflowFixture } from './lib/n8n';
import { buildAndPack } from './lib/pack';
import { smtpCredential, startSmtpSink, type SmtpSink } from './lib/smtp-sink';

const NUMBER = 'YT7450353838751'; // the example's shipment; the sandbox's documented sample
const SF_NUMBER = 'SF1403829177352'; // another sample, for the executions that meet
const KUAIDI100_NODE = 'Newly Delivered';
const WEBHOOK_ID = '3c1e6a40-52b7-4f0e-8d1a-7d2f0b5a10ff';

describe('polling example: email when delivered, no public URL', () => {
	let work: string;
	let n8n: N8n;
	let sandbox: Sandbox;
	let smtp: SmtpSink;
	let workflow: WorkflowFixture;
	let onDemand: WorkflowFixture;
	/** Minutes the sandbox's clock is ahead, kept equal to the n8n run's. */
	let ahead = 0;

	const queries = (number = NUMBER) =>
		sandbox.requests.filter((r) => r.path === '/poll/query.do' && new URLSearchParams(r.rawBody).get('param')?.includes(number));

	async function runAt(minutes: number): Promise<Execution> {
		ahead = minutes;
		const { execution } = await executeAhead(n8n, workflow.id, minutes);
		expect(execution.status, execution.errorText()).toBe('success');
		return execution;
	}

	beforeAll(async () => {
		clockAheadEnv(0); // fails early, with the fix, when libfaketime is missing
		work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-kuaidi100-polling-e2e-'));
		const building = buildAndPack(work);
		building.catch(() => undefined);
		n8n = new N8n(await ensureN8n(), path.join(work, 'user'));
		[sandbox, smtp] = await Promise.all([
			startSandbox({ now: () => new Date(Date.now() + ahead * 60_000) }), // parcel in transit (2 events)
			startSmtpSink(),
		]);
		const credentials: CredentialFixture[] = [
			{
				id: 'e2ePollKuaidi100',
				name: 'e2e Kuaidi100 (sandbox)',
				type: 'kuaidi100Api',
				data: { customer: SANDBOX_KUAIDI100.customer, key: SANDBOX_KUAIDI100.key, baseUrl: sandbox.kuaidi100BaseUrl },
			},
			smtpCredential(smtp, 'e2ePollSmtpSink1'),
		];
		workflow = withManualStart(useCredentials(loadExample('email-when-delivered-polling.json'), credentials));
		onDemand = withWebhookStart(workflow);
		await n8n.importCredentials(credentials);
		await n8n.importWorkflows([workflow, onDemand]);
		await n8n.activate(onDemand.id);
		await n8n.installPackage((await building).tarball);
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
		await smtp?.close();
		if (work && !process.env.E2E_KEEP) fs.rmSync(work, { recursive: true, force: true });
		else if (work) console.log(`[e2e] kept ${work}`);
	});

	it('the example keeps its Schedule Trigger (hourly) and an id n8n accepts', () => {
		const example = loadExample('email-when-delivered-polling.json');
		const schedule = example.nodes.find((node) => node.type === 'n8n-nodes-base.scheduleTrigger');
		expect(schedule?.parameters).toEqual({ rule: { interval: [{ field: 'hours', hoursInterval: 1 }] } });
		expect(example.id.length).toBeLessThanOrEqual(16);
	});

	it('run 1, parcel in transit: one query, nothing new, no email', async () => {
		const execution = await runAt(0);
		expect(queries()).toHaveLength(1);
		expect(execution.items(KUAIDI100_NODE)).toEqual([]);
		expect(smtp.messages).toHaveLength(0);
	});

	it('run 2, 10 minutes later (n8n restarted): no query for the number, the skip is reported, no email', async () => {
		const execution = await runAt(10);
		expect(queries()).toHaveLength(1);
		const [skipped] = execution.items(KUAIDI100_NODE);
		expect(skipped).toMatchObject({ tracking_number: NUMBER, skipped: true, status: 'skipped' });
		expect(Date.parse(String(skipped.next_query_at))).toBeGreaterThan(Date.parse(queries()[0].receivedAt));
		expect(execution.nodesRun()).not.toContain('Email the Customer');
		expect(smtp.messages).toHaveLength(0);
	});

	it('run 3, an hour later, the parcel delivered meanwhile: one query, exactly one email', async () => {
		sandbox.advance(10);
		const execution = await runAt(60);
		expect(queries()).toHaveLength(2);
		const [delivered] = execution.items(KUAIDI100_NODE);
		expect(delivered).toMatchObject({
			tracking_number: NUMBER,
			shipment_status: 'delivered',
			matched_milestone: 'delivered',
			dedup_key: milestoneDedupKey('kuaidi100', 'yuantong', NUMBER, 'delivered'),
		});
		const [mail] = await smtp.waitForMessages(1, 10_000);
		expect(mail.to).toEqual(['jane@example.com']);
		expect(mail.header('subject')).toBe('Your order 1001 has been delivered');
	});

	it('run 4, 10 minutes after that: skipped again, no query, no second email', async () => {
		const execution = await runAt(70);
		expect(queries()).toHaveLength(2);
		expect(execution.items(KUAIDI100_NODE)).toEqual([expect.objectContaining({ skipped: true })]);
		expect(smtp.messages).toHaveLength(1);
	});

	it('run 5, an hour after the email: queried again, already delivered, no second email', async () => {
		const execution = await runAt(125);
		expect(queries()).toHaveLength(3);
		expect(execution.items(KUAIDI100_NODE)).toEqual([]);
		expect(smtp.messages).toHaveLength(1);
	});

	it("the memory is n8n's processed_data row of this workflow and node: a few hashed keys", async () => {
		const node = workflow.nodes.find((n) => n.name === KUAIDI100_NODE)!;
		const rows = await n8n.db.query<{ context: string; value: string }>(
			`SELECT context, value FROM processed_data WHERE workflowId = '${workflow.id}'`,
		);
		expect(rows.map((row) => row.context)).toEqual([`n:${String(node.id)}`]);
		const value = JSON.parse(rows[0].value) as { mode: string; data: string[] };
		expect(value.mode).toBe('entries');
		const hash = (key: string) => createHash('md5').update(key).digest('base64');
		expect(value.data).toContain(hash(milestoneDedupKey('kuaidi100', 'yuantong', NUMBER, 'delivered')));
		// The milestone, and the record of the last query (older query records are removed).
		expect(value.data).toHaveLength(2);
	});

	describe('n8n start (regular mode): two executions started at the same moment', () => {
		it('query the number once; the other execution reports the skip', async () => {
			ahead = 0;
			await n8n.start([onDemand.id]);
			const url = `${n8n.baseUrl}/webhook/poll-now`;
			const body = JSON.stringify({ at: Date.now() + 2_000 });
			const post = async () => await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
			const replies = await Promise.all([post(), post()]);
			expect(replies.map((reply) => reply.status)).toEqual([200, 200]);
			const rows = await n8n.waitForExecutions(onDemand.id, 2, 60_000);
			const executions = await Promise.all(rows.map(async (row) => await n8n.db.execution(row.id)));
			for (const execution of executions) expect(execution.status, execution.errorText()).toBe('success');
			expect(executions.map((execution) => execution.row.mode)).toEqual(['webhook', 'webhook']);
			expect(queries(SF_NUMBER)).toHaveLength(1);
			// The parcel is delivered by now (the sandbox advanced above): one execution
			// queried it and outputs the delivery, the other was turned away.
			// The case is only a case if the node's two runs overlapped.
			const [a, b] = executions.map((execution) => nodeRunSpan(execution, KUAIDI100_NODE)).sort((x, y) => x.start - y.start);
			expect(b.start, 'the second run of the node started before the first one ended').toBeLessThan(a.end);
			const outputs = executions.flatMap((execution) => execution.items(KUAIDI100_NODE));
			expect(outputs.filter((item) => item.skipped === true)).toHaveLength(1);
			expect(outputs.filter((item) => item.matched_milestone === 'delivered')).toHaveLength(1);
			expect(outputs).toHaveLength(2);
			const [mail] = (await smtp.waitForMessages(2, 10_000)).filter((m) => m.to.includes('sf@example.com'));
			expect(mail.header('subject')).toBe('Your order 2002 has been delivered');
		});
	});
});

/** When a node's (first) run started and ended, from n8n's run data (ms since the epoch). */
function nodeRunSpan(execution: Execution, node: string): { start: number; end: number } {
	const runs = execution.data?.resultData?.runData?.[node] as Array<{ startTime?: number; executionTime?: number }> | undefined;
	const run = runs?.[0];
	if (!run || typeof run.startTime !== 'number' || typeof run.executionTime !== 'number') throw new Error(`no timed run of node "${node}"`);
	return { start: run.startTime, end: run.startTime + run.executionTime };
}

/** The example with a Manual Trigger beside its Schedule Trigger, feeding the same node. */
function withManualStart(example: WorkflowFixture): WorkflowFixture {
	const copy = structuredClone(example);
	const schedule = copy.nodes.find((node) => node.type === 'n8n-nodes-base.scheduleTrigger')!;
	copy.nodes.push({
		id: '3c1e6a40-52b7-4f0e-8d1a-7d2f0b5a00ff',
		name: 'Run Now',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [0, 200],
		parameters: {},
	});
	const connections = copy.connections as Record<string, unknown>;
	connections['Run Now'] = structuredClone(connections[String(schedule.name)]);
	return copy;
}

/**
 * The example started by a Webhook instead (so that n8n start runs two executions of
 * it at once), watching another parcel; a workflow of its own, so a memory of its own.
 */
function withWebhookStart(example: WorkflowFixture): WorkflowFixture {
	const copy = structuredClone(example);
	copy.id = 'EmailOnDelivHook';
	copy.name = `${example.name} (webhook start)`;
	const schedule = copy.nodes.find((node) => node.type === 'n8n-nodes-base.scheduleTrigger')!;
	const start = 'Poll Now';
	copy.nodes = copy.nodes.filter((node) => node.type !== 'n8n-nodes-base.scheduleTrigger' && node.type !== 'n8n-nodes-base.manualTrigger');
	copy.nodes.push({
		id: '3c1e6a40-52b7-4f0e-8d1a-7d2f0b5a00fe',
		name: start,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: WEBHOOK_ID,
		parameters: { httpMethod: 'POST', path: 'poll-now', responseMode: 'onReceived', options: {} },
	});
	const code = copy.nodes.find((node) => node.name === 'Open Shipments')!;
	// n8n starts the two executions some 100 ms apart; both wait here for the instant
	// the caller named, so that they reach the Kuaidi100 node together.
	(code.parameters as { jsCode: string }).jsCode = [
		'const at = Number($input.first().json.body.at);',
		'await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));',
		"return [{ json: { carrier: 'shunfeng', tracking_number: 'SF1403829177352', phone: '8000', order_id: '2002', email: 'sf@example.com' } }];",
	].join('\n');
	const connections = copy.connections as Record<string, unknown>;
	connections[start] = connections[String(schedule.name)];
	delete connections[String(schedule.name)];
	delete connections['Run Now'];
	return copy;
}
