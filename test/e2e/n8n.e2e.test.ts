/**
 * End-to-end: the packed package installed into a real n8n (1.123.81, Node 22) the
 * way a user's community-node install does, driven from outside through n8n's CLI
 * and its production webhook URLs, against the fake services of src/sandbox and a
 * local SMTP sink. Assertions read n8n's own records (database.sqlite), not logs.
 *
 *   npx vitest run --config test/e2e/vitest.e2e.config.mts
 *
 * E2E_KEEP=1 keeps the temporary folder (n8n user folder, tarball) for inspection.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
	buildKeyDeliveryWebhook,
	buildKuaidi100Push,
	renderKuaidi100Result,
	SANDBOX_KEYDELIVERY,
	SANDBOX_KUAIDI100,
	startSandbox,
	type Sandbox,
} from '../../src/sandbox';
import type { Execution } from './lib/db';
import { loadExample, loadWorkflow, triggerNode, triggerPath, useCredentials } from './lib/fixtures';
import { ensureN8n } from './lib/install';
import { N8n, type CredentialFixture, type WorkflowFixture } from './lib/n8n';
import { buildAndPack, packProblems, type PackResult } from './lib/pack';
import { tail } from './lib/processes';
import { smtpCredential, startSmtpSink, type SmtpSink } from './lib/smtp-sink';

const KUAIDI100_ACK = '{"result":true,"returnCode":"200","message":"成功"}';
const KEYDELIVERY_ACK = '{"code":200,"message":"success"}';
const KEYDELIVERY_TOKEN = 'e2e-token-5b1f9c0a7d3e4826';

/** Numbers of the sandbox's sample shipments (src/sandbox/sample-shipments.ts). */
const K100_YUANTONG = 'YT7450353838751'; // ends signed for at a locker (304): delivered
const K100_SHUNFENG = 'SF1403829177352'; // SF Express: needs the phone (last 4 digits 8000)
const K100_ZHONGTONG = '78912345678901';
const K100_USPS = 'LZ123456789US'; // ends delivered (3)
const KD_USPS = 'LY811679807CN'; // ends picked up from a locker (304): delivered

const timings: Record<string, number> = {};
async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
	const started = Date.now();
	try {
		return await work();
	} finally {
		timings[label] = Date.now() - started;
	}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('n8n-nodes-kuaidi100 in a real n8n', () => {
	let work: string;
	let pack: PackResult;
	let n8n: N8n;
	let sandbox: Sandbox;
	let smtp: SmtpSink;
	let credentials: CredentialFixture[];

	// Workflows (ids are fixed by the fixtures and the example).
	const smokeSet = loadWorkflow('smoke-set.workflow.json');
	const smokeHook = loadWorkflow('smoke-webhook.workflow.json');
	let kuaidi100Ops: WorkflowFixture;
	let kuaidi100WrongKey: WorkflowFixture;
	let keyDeliveryTracking: WorkflowFixture;
	let exampleAsShipped: WorkflowFixture; // examples/email-when-delivered.json, untouched
	let emailKuaidi100: WorkflowFixture; // the example with the suite's credentials
	let emailKeyDelivery: WorkflowFixture; // the same example, fed by a KeyDelivery webhook
	let kuaidi100CallbackUrl: string;
	let keyDeliveryWebhookUrl: string;

	beforeAll(async () => {
		work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-kuaidi100-e2e-'));
		const building = timed('build and pack', () => buildAndPack(work));
		building.catch(() => undefined); // awaited below; do not let it go unhandled meanwhile
		const install = await timed('install n8n (cached after the first run)', ensureN8n);
		n8n = new N8n(install, path.join(work, 'user'));

		[sandbox, smtp] = await Promise.all([startSandbox(), startSmtpSink()]);
		credentials = [
			{
				id: 'e2eKuaidi100Good',
				name: 'e2e Kuaidi100 (sandbox)',
				type: 'kuaidi100Api',
				data: {
					customer: SANDBOX_KUAIDI100.customer,
					key: SANDBOX_KUAIDI100.key,
					salt: SANDBOX_KUAIDI100.salt,
					baseUrl: sandbox.kuaidi100BaseUrl,
					autonumberBaseUrl: sandbox.kuaidi100AutonumberBaseUrl,
				},
			},
			{
				id: 'e2eKeyDelivery01',
				name: 'e2e KeyDelivery (sandbox)',
				type: 'keyDeliveryApi',
				data: { apiKey: SANDBOX_KEYDELIVERY.apiKey, secret: SANDBOX_KEYDELIVERY.secret, baseUrl: sandbox.keyDeliveryBaseUrl },
			},
			smtpCredential(smtp, 'e2eSmtpSink00001'),
		];
		const wrongKey: CredentialFixture = {
			id: 'e2eKuaidi100Bad1',
			name: 'e2e Kuaidi100 (wrong key)',
			type: 'kuaidi100Api',
			data: { ...credentials[0].data, key: 'not-the-sandbox-key' },
		};

		// The example as a user imports it, then picks their credentials.
		exampleAsShipped = loadExample('email-when-delivered.json');
		emailKuaidi100 = useCredentials(exampleAsShipped, credentials);
		emailKeyDelivery = keyDeliveryVariant(emailKuaidi100);

		const base = `http://127.0.0.1:${await n8n.reservePort()}`;
		kuaidi100CallbackUrl = `${base}${triggerPath(emailKuaidi100)}?orderId=1001&email=jane@example.com`;
		keyDeliveryWebhookUrl = `${base}${triggerPath(emailKeyDelivery)}?token=${KEYDELIVERY_TOKEN}&orderId=2002&email=kd@example.com`;
		const vars = { KUAIDI100_CALLBACK_URL: kuaidi100CallbackUrl, KEYDELIVERY_WEBHOOK_URL: keyDeliveryWebhookUrl };
		kuaidi100Ops = loadWorkflow('kuaidi100-operations.workflow.json', vars);
		kuaidi100WrongKey = loadWorkflow('kuaidi100-wrong-key.workflow.json', vars);
		keyDeliveryTracking = loadWorkflow('keydelivery-tracking.workflow.json', vars);

		// Importing needs no package (n8n stores what it is given), so it overlaps the build.
		await timed('import credentials and workflows (creates the database)', async () => {
			await n8n.importCredentials([...credentials, wrongKey]);
			await n8n.importWorkflows([
				smokeSet,
				smokeHook,
				kuaidi100Ops,
				kuaidi100WrongKey,
				keyDeliveryTracking,
				emailKuaidi100,
				emailKeyDelivery,
			]);
		});
		pack = await building;
		await timed('install the tarball into .n8n/nodes', () => n8n.installPackage(pack.tarball));
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
		await smtp?.close();
		if (work && !process.env.E2E_KEEP) fs.rmSync(work, { recursive: true, force: true });
		else if (work) console.log(`[e2e] kept ${work}`);
		console.log('[e2e] timings (ms):', timings);
	});

	describe('the package', () => {
		it('npm pack holds only what n8n loads, README.md, LICENSE, CHANGELOG.md and package.json', () => {
			expect(packProblems(pack), `npm pack lists:\n${pack.files.join('\n')}`).toEqual([]);
		});

		it('is installed into the community nodes folder with its declared nodes and credentials', () => {
			const installed = path.join(n8n.n8nFolder, 'nodes/node_modules', pack.packageJson.name);
			expect(fs.existsSync(path.join(installed, 'package.json'))).toBe(true);
			for (const file of [...(pack.packageJson.n8n?.nodes ?? []), ...(pack.packageJson.n8n?.credentials ?? [])]) {
				expect(fs.existsSync(path.join(installed, file)), file).toBe(true);
			}
		});

		it('the example workflow has an id n8n can keep trigger memory for (at most 16 characters)', () => {
			// n8n 1.x saves a workflow's static data only when isWorkflowIdValid(id), i.e.
			// id.length <= 16; a longer id (kept by `n8n import:workflow`) silently loses
			// the trigger's "Only New" memory, so repeated pushes fire again.
			expect(exampleAsShipped.id.length, `examples/email-when-delivered.json id "${exampleAsShipped.id}"`).toBeLessThanOrEqual(16);
		});
	});

	describe('n8n execute --id (CLI, manual trigger)', () => {
		it('harness check: a built-in Set workflow runs and is recorded', async () => {
			const { execution } = await timed('execute: built-in Set', () => n8n.execute(smokeSet.id));
			expect(execution.status).toBe('success');
			expect(execution.row.mode).toBe('cli');
			expect(execution.items('Set')).toEqual([{ greeting: 'hello from n8n', answer: 42 }]);
		});

		describe('Kuaidi100 against the fake Kuaidi100 server', () => {
			let execution: Execution;
			beforeAll(async () => {
				({ execution } = await timed('execute: Kuaidi100 query x2 + subscribe', () => n8n.execute(kuaidi100Ops.id)));
			});

			it('the execution succeeded', () => {
				expect(execution.status, execution.errorText()).toBe('success');
			});

			it('Query with Simplified output gives one normalized shipment', () => {
				const visible = sandbox.visibleEvents('kuaidi100', 'yuantong', K100_YUANTONG);
				const items = execution.items('Query Simplified');
				expect(items).toHaveLength(1);
				expect(items[0]).toMatchObject({
					provider: 'kuaidi100',
					carrier: 'yuantong',
					tracking_number: K100_YUANTONG,
					delivered: false,
					event_count: visible.length,
					last_event_description: visible[visible.length - 1].context,
				});
				expect(items[0].events).toHaveLength(visible.length);
				const query = sandbox.requests.filter((r) => r.path === '/poll/query.do' && r.rawBody.includes(K100_YUANTONG));
				expect(query).toHaveLength(1);
			});

			it('Query with Events output gives one item per event (SF Express, with the phone)', () => {
				const visible = sandbox.visibleEvents('kuaidi100', 'shunfeng', K100_SHUNFENG);
				const items = execution.items('Query Events');
				expect(items).toHaveLength(visible.length);
				for (const item of items) expect(item).toMatchObject({ carrier: 'shunfeng', tracking_number: K100_SHUNFENG });
				expect(new Set(items.map((item) => item.event_id)).size).toBe(items.length);
				expect(items.map((item) => item.description).sort()).toEqual(visible.map((event) => event.context).sort());
			});

			it('Subscribe registers the callback URL with the credential salt', () => {
				expect(execution.items('Subscribe')).toEqual([
					expect.objectContaining({
						subscribed: true,
						already_subscribed: false,
						carrier: 'yuantong',
						tracking_number: K100_YUANTONG,
						callback_url: kuaidi100CallbackUrl,
						signed_pushes: true,
					}),
				]);
				const subscription = sandbox.subscriptions.find((s) => s.provider === 'kuaidi100' && s.trackingNumber === K100_YUANTONG);
				expect(subscription).toMatchObject({ callbackUrl: kuaidi100CallbackUrl, salt: SANDBOX_KUAIDI100.salt });
			});
		});

		it('Kuaidi100 with a wrong key: a failed execution carrying the 503 explanation, no retry', async () => {
			const { execution } = await timed('execute: Kuaidi100 wrong key', () => n8n.execute(kuaidi100WrongKey.id));
			expect(execution.status).toBe('error');
			const error = execution.errorText();
			expect(error).toContain('503');
			expect(error).toMatch(/signature verification failed/i);
			expect(error).toMatch(/customer or the key is wrong/i);
			const attempts = sandbox.requests.filter((r) => r.path === '/poll/query.do' && r.rawBody.includes(K100_ZHONGTONG));
			expect(attempts).toHaveLength(1);
		});

		it('KeyDelivery Create Tracking twice (the second says it already exists) and Get Tracking', async () => {
			const first = await timed('execute: KeyDelivery create + get (1st)', () => n8n.execute(keyDeliveryTracking.id));
			const second = await timed('execute: KeyDelivery create + get (2nd)', () => n8n.execute(keyDeliveryTracking.id));
			expect(first.execution.status, first.execution.errorText()).toBe('success');
			expect(second.execution.status, second.execution.errorText()).toBe('success');

			expect(first.execution.items('Create Tracking')).toEqual([
				expect.objectContaining({ created: true, alreadyExists: false, carrier_id: 'usps', tracking_number: KD_USPS }),
			]);
			expect(second.execution.items('Create Tracking')).toEqual([
				expect.objectContaining({ created: false, alreadyExists: true, carrier_id: 'usps', tracking_number: KD_USPS }),
			]);
			const subscriptions = sandbox.subscriptions.filter((s) => s.provider === 'keydelivery' && s.trackingNumber === KD_USPS);
			expect(subscriptions).toHaveLength(1);
			expect(subscriptions[0].callbackUrl).toBe(keyDeliveryWebhookUrl);

			const visible = sandbox.visibleEvents('keydelivery', 'usps', KD_USPS);
			for (const run of [first, second]) {
				const items = run.execution.items('Get Tracking');
				expect(items).toHaveLength(1);
				expect(items[0]).toMatchObject({
					provider: 'keydelivery',
					carrier: 'usps',
					tracking_number: KD_USPS,
					event_count: visible.length,
				});
			}
		});
	});

	describe('production webhooks (n8n start, workflows active)', () => {
		beforeAll(async () => {
			// Reveal every timeline to the end: the pushes report delivered parcels.
			sandbox.advance(1000);
			for (const workflow of [smokeHook, emailKuaidi100, emailKeyDelivery]) await n8n.activate(workflow.id);
			await timed('n8n start until workflows are active', () =>
				n8n.start([smokeHook.id, emailKuaidi100.id, emailKeyDelivery.id]),
			);
		});

		afterAll(async () => {
			await timed('stop n8n', async () => await n8n?.stop());
		});

		afterEach(({ task }) => {
			if (task.result?.state === 'fail') console.log(`[e2e] after "${task.name}", ${serverLog()}`);
		});

		it('harness check: a built-in Webhook workflow runs from its production URL', async () => {
			const response = await fetch(`${n8n.baseUrl}/webhook/e2e-smoke`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ hello: 'world' }),
			});
			expect(response.status).toBe(200);
			const rows = await n8n.waitForExecutions(smokeHook.id, 1);
			expect(rows.map((row) => [row.mode, row.status])).toEqual([['webhook', 'success']]);
			expect((await n8n.db.execution(rows[0].id)).items('Webhook')[0]).toMatchObject({ body: { hello: 'world' } });
		});

		describe('Kuaidi100 push → email-when-delivered example', () => {
			it('a signed push for a delivered parcel gets the exact reply, runs once and sends one mail', async () => {
				const push = await sandbox.pushNow(K100_YUANTONG, { provider: 'kuaidi100' });
				expect(push.url).toBe(kuaidi100CallbackUrl);
				expect(push.body).toContain('sign=');
				expect({ status: push.status, body: push.responseBody }, serverLog()).toEqual({ status: 200, body: KUAIDI100_ACK });
				expect(push.acknowledged).toBe(true);

				const rows = await n8n.waitForExecutions(emailKuaidi100.id, 1);
				expect(rows).toHaveLength(1);
				const execution = await n8n.db.execution(rows[0].id);
				expect(execution.row.mode).toBe('webhook');
				expect(execution.status, execution.errorText()).toBe('success');
				const trigger = String(triggerNode(emailKuaidi100).name);
				expect(execution.items(trigger)).toEqual([
					expect.objectContaining({
						provider: 'kuaidi100',
						carrier: 'yuantong',
						tracking_number: K100_YUANTONG,
						delivered: true,
						shipment_status: 'delivered',
						matched_milestones: ['delivered'],
						callback_params: { orderId: '1001', email: 'jane@example.com' },
					}),
				]);

				const mails = await smtp.waitForMessages(1, 15_000);
				expect(mails).toHaveLength(1);
				const [mail] = mails;
				expect(mail.to).toEqual(['jane@example.com']);
				expect(mail.header('subject')).toBe('Your order 1001 has been delivered');
				expect(mail.text).toContain(K100_YUANTONG);
			});

			it('the same push again is acknowledged the same way but sends no second mail', async () => {
				const executionsBefore = (await n8n.db.executions(emailKuaidi100.id)).length;
				const mailsBefore = smtp.messages.length;
				const push = await sandbox.pushNow(K100_YUANTONG, { provider: 'kuaidi100' });
				expect({ status: push.status, body: push.responseBody }).toEqual({ status: 200, body: KUAIDI100_ACK });
				await sleep(2_000);
				expect(await n8n.db.executions(emailKuaidi100.id), 'executions after the repeated push').toHaveLength(executionsBefore);
				expect(smtp.messages.slice(mailsBefore), 'mails after the repeated push').toEqual([]);
			});

			it('a push with a forged or missing sign gets 401 and starts nothing', async () => {
				// A delivered parcel not seen before: had it been accepted, it would have fired.
				const shipment = sandbox.shipments.find((s) => s.provider === 'kuaidi100' && s.trackingNumber === K100_USPS);
				if (!shipment) throw new Error(`sandbox has no shipment ${K100_USPS}`);
				const lastResult = renderKuaidi100Result(shipment, { visible: shipment.timeline.length, resultv2: '4' });
				const forged = buildKuaidi100Push({ status: 'shutdown', lastResult, salt: 'not-the-salt' });
				const unsigned = buildKuaidi100Push({ status: 'shutdown', lastResult });
				const executionsBefore = (await n8n.db.executions(emailKuaidi100.id)).length;
				const mailsBefore = smtp.messages.length;
				for (const push of [forged, unsigned]) {
					const response = await fetch(kuaidi100CallbackUrl, {
						method: 'POST',
						headers: { 'content-type': push.contentType },
						body: push.body,
					});
					expect(response.status, await response.text()).toBe(401);
				}
				await sleep(2_000);
				expect(await n8n.db.executions(emailKuaidi100.id)).toHaveLength(executionsBefore);
				expect(smtp.messages.slice(mailsBefore)).toEqual([]);
			});
		});

		describe('KeyDelivery webhook → the same example with a KeyDelivery trigger', () => {
			it('a webhook with the right token gets 200, runs once and sends one mail', async () => {
				const mailsBefore = smtp.messages.length;
				const push = await sandbox.pushNow(KD_USPS, { provider: 'keydelivery' });
				expect(push.url).toBe(keyDeliveryWebhookUrl);
				expect({ status: push.status, body: push.responseBody }, serverLog()).toEqual({ status: 200, body: KEYDELIVERY_ACK });

				const rows = await n8n.waitForExecutions(emailKeyDelivery.id, 1);
				expect(rows).toHaveLength(1);
				const execution = await n8n.db.execution(rows[0].id);
				expect(execution.status, execution.errorText()).toBe('success');
				expect(execution.items(String(triggerNode(emailKeyDelivery).name))).toEqual([
					expect.objectContaining({
						provider: 'keydelivery',
						carrier: 'usps',
						tracking_number: KD_USPS,
						delivered: true,
						callback_params: { orderId: '2002', email: 'kd@example.com' },
					}),
				]);

				const mails = (await smtp.waitForMessages(mailsBefore + 1, 15_000)).slice(mailsBefore);
				expect(mails).toHaveLength(1);
				expect(mails[0].to).toEqual(['kd@example.com']);
				expect(mails[0].header('subject')).toBe('Your order 2002 has been delivered');
				expect(mails[0].text).toContain(KD_USPS);
			});

			it('the same webhook again sends no second mail', async () => {
				const executionsBefore = (await n8n.db.executions(emailKeyDelivery.id)).length;
				const mailsBefore = smtp.messages.length;
				const push = await sandbox.pushNow(KD_USPS, { provider: 'keydelivery' });
				expect({ status: push.status, body: push.responseBody }).toEqual({ status: 200, body: KEYDELIVERY_ACK });
				await sleep(2_000);
				expect(await n8n.db.executions(emailKeyDelivery.id), 'executions after the repeated webhook').toHaveLength(executionsBefore);
				expect(smtp.messages.slice(mailsBefore), 'mails after the repeated webhook').toEqual([]);
			});

			it('a webhook with a wrong or missing token gets 401 and starts nothing', async () => {
				const shipment = sandbox.shipments.find((s) => s.provider === 'keydelivery' && s.trackingNumber === KD_USPS);
				if (!shipment) throw new Error(`sandbox has no shipment ${KD_USPS}`);
				// Another number, so that had it been accepted it would have fired.
				const webhook = buildKeyDeliveryWebhook({ carrier_id: 'usps', tracking_number: 'LY000000001CN', events: shipment.timeline });
				const wrong = keyDeliveryWebhookUrl.replace(KEYDELIVERY_TOKEN, 'not-the-token');
				const missing = keyDeliveryWebhookUrl.replace(`token=${KEYDELIVERY_TOKEN}&`, '');
				const executionsBefore = (await n8n.db.executions(emailKeyDelivery.id)).length;
				const mailsBefore = smtp.messages.length;
				for (const url of [wrong, missing]) {
					const response = await fetch(url, { method: 'POST', headers: { 'content-type': webhook.contentType }, body: webhook.body });
					expect(response.status, await response.text()).toBe(401);
				}
				await sleep(2_000);
				expect(await n8n.db.executions(emailKeyDelivery.id)).toHaveLength(executionsBefore);
				expect(smtp.messages.slice(mailsBefore)).toEqual([]);
			});
		});
	});

	function serverLog(): string {
		return `n8n log:\n${tail(n8n.serverOutput(), 4000)}`;
	}
});

/** The example workflow with its trigger switched to a KeyDelivery webhook (token in the URL). */
function keyDeliveryVariant(example: WorkflowFixture): WorkflowFixture {
	const copy = structuredClone(example);
	copy.id = 'e2eKdEmailWhenDl';
	copy.name = `${example.name} (KeyDelivery)`;
	copy.nodes.forEach((node, index) => {
		// Webhook ids must be unique across active workflows.
		if (node.webhookId) node.webhookId = `0e2e4b1d-5a6c-4d7e-8f90-${String(index + 1).padStart(12, '0')}`;
	});
	const trigger = triggerNode(copy);
	trigger.parameters = { ...(trigger.parameters as object), source: 'keyDelivery', token: KEYDELIVERY_TOKEN };
	delete trigger.credentials;
	return copy;
}
