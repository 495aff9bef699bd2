/**
 * Issue 9 end to end, regular mode: the "email when delivered" example in a real n8n
 * (the line E2E_N8N_LINE selects) sends one email per delivered parcel however the
 * pushes meet, across a restart of n8n; the KeyDelivery token (a credential) is in no
 * execution, workflow, workflow history or log. Counts are n8n's own execution rows.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_KUAIDI100 } from '../../src/sandbox';
import { loadExample, triggerPath, useCredentials } from './lib/fixtures';
import { ensureN8n } from './lib/install';
import { N8n, type CredentialFixture, type WorkflowFixture } from './lib/n8n';
import { buildAndPack } from './lib/pack';
import {
	deliveredParcel,
	deliveredPush,
	KEYDELIVERY_ACK,
	keyDeliveryDelivered,
	KUAIDI100_ACK,
	send,
	sendInWaves,
	sleep,
} from './lib/pushes';
import { smtpCredential, startSmtpSink, type SmtpSink } from './lib/smtp-sink';

/** Distinctive, so a plain byte search of the database and the log finds any copy. */
const TOKEN = 'e2e-kd-token-7Qm2Vx9Lp4Rs8Tn6';
/** How long to wait for executions that must NOT appear (n8n starts them within milliseconds). */
const SETTLE_MS = 3_000;

describe('Tracking Webhook Trigger in a real n8n, regular mode: once-only', () => {
	let work: string;
	let n8n: N8n;
	let smtp: SmtpSink;
	let email: WorkflowFixture;
	let keyDelivery: WorkflowFixture;
	let emailUrl: string;
	let keyDeliveryUrl: string;
	let executionsBefore = 0;

	const deliveredExecutions = async () => (await n8n.db.executions(email.id)).length;

	beforeAll(async () => {
		work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-kuaidi100-once-'));
		const building = buildAndPack(work);
		building.catch(() => undefined);
		n8n = new N8n(await ensureN8n(), path.join(work, 'user'));
		smtp = await startSmtpSink();
		const credentials: CredentialFixture[] = [
			{
				id: 'onceKuaidi100',
				name: 'Kuaidi100 (sandbox salt)',
				type: 'kuaidi100Api',
				data: { customer: SANDBOX_KUAIDI100.customer, key: SANDBOX_KUAIDI100.key, salt: SANDBOX_KUAIDI100.salt },
			},
			smtpCredential(smtp, 'onceSmtp'),
			{ id: 'onceKdToken', name: 'KeyDelivery webhook token', type: 'keyDeliveryWebhookApi', data: { token: TOKEN } },
		];
		email = useCredentials(loadExample('email-when-delivered.json'), credentials);
		keyDelivery = keyDeliveryVariant(email);
		await n8n.importCredentials(credentials);
		await n8n.importWorkflows([email, keyDelivery]);
		await n8n.installPackage((await building).tarball);
		for (const workflow of [email, keyDelivery]) await n8n.activate(workflow.id);
		await n8n.start([email.id, keyDelivery.id]);
		emailUrl = `${n8n.baseUrl}${triggerPath(email)}?orderId=1001&email=jane@example.com`;
		keyDeliveryUrl = `${n8n.baseUrl}${triggerPath(keyDelivery)}?token=${TOKEN}&orderId=2002&email=kd@example.com`;
	});

	afterAll(async () => {
		await n8n?.stop();
		await smtp?.close();
		if (work && !process.env.E2E_KEEP) fs.rmSync(work, { recursive: true, force: true });
	});

	it('the same delivered push 5 times at once: one execution, one email', async () => {
		const push = deliveredPush(deliveredParcel('YTONCE', 1));
		const replies = await Promise.all(Array.from({ length: 5 }, async () => await send(emailUrl, push)));
		expect(replies).toEqual(Array.from({ length: 5 }, () => ({ status: 200, body: KUAIDI100_ACK })));
		const rows = await n8n.waitForExecutions(email.id, 1);
		await sleep(SETTLE_MS);
		expect(await deliveredExecutions()).toBe(1);
		expect(rows[0].status).toBe('success');
		expect((await smtp.waitForMessages(1, 15_000)).length).toBe(1);
		executionsBefore = 1;
	});

	it('50 parcels pushed 10 at a time, then again one at a time: 50 delivered executions in all', async () => {
		const pushes = Array.from({ length: 50 }, (_, i) => deliveredPush(deliveredParcel('YTBURST', i)));
		const burst = await sendInWaves([emailUrl], pushes, 10);
		expect(burst.every((r) => r.status === 200 && r.body === KUAIDI100_ACK)).toBe(true);
		await n8n.waitForExecutions(email.id, executionsBefore + 50, 60_000);

		const again = await sendInWaves([emailUrl], pushes, 1);
		expect(again.every((r) => r.status === 200 && r.body === KUAIDI100_ACK)).toBe(true);
		await sleep(SETTLE_MS);
		expect(await deliveredExecutions()).toBe(executionsBefore + 50);
		executionsBefore += 50;
		await smtp.waitForMessages(executionsBefore, 30_000);
		expect(smtp.messages).toHaveLength(executionsBefore);
	});

	it('restarting n8n between two pushes of a delivered parcel: no second execution', async () => {
		const push = deliveredPush(deliveredParcel('YTRESTART', 1));
		expect(await send(emailUrl, push)).toEqual({ status: 200, body: KUAIDI100_ACK });
		await n8n.waitForExecutions(email.id, executionsBefore + 1);
		executionsBefore += 1;

		await n8n.stop();
		await n8n.start([email.id, keyDelivery.id]);

		expect(await send(emailUrl, push)).toEqual({ status: 200, body: KUAIDI100_ACK });
		// Parcels of the burst before the restart, too.
		const burstAgain = await sendInWaves([emailUrl], [0, 17, 49].map((i) => deliveredPush(deliveredParcel('YTBURST', i))), 3);
		expect(burstAgain.every((r) => r.status === 200)).toBe(true);
		await sleep(SETTLE_MS);
		expect(await deliveredExecutions()).toBe(executionsBefore);
		// A new parcel still fires after the restart.
		expect(await send(emailUrl, deliveredPush(deliveredParcel('YTRESTART', 2)))).toEqual({ status: 200, body: KUAIDI100_ACK });
		await n8n.waitForExecutions(email.id, executionsBefore + 1);
		executionsBefore += 1;
	});

	it('KeyDelivery with the token credential: accepted, and the token is in no execution, workflow, history or log', async () => {
		expect(await send(keyDeliveryUrl.replace(TOKEN, 'wrong-token'), keyDeliveryDelivered())).toMatchObject({ status: 401 });
		expect(await send(keyDeliveryUrl, keyDeliveryDelivered())).toEqual({ status: 200, body: KEYDELIVERY_ACK });
		const [row] = await n8n.waitForExecutions(keyDelivery.id, 1);
		const execution = await n8n.db.execution(row.id);
		expect(execution.status).toBe('success');
		const stored = await n8n.db.query<{ text: string }>(
			`SELECT COALESCE(d.data, '') || COALESCE(d.workflowData, '') AS text FROM execution_data d WHERE d.executionId = ${row.id}`,
		);
		expect(stored[0].text).toContain('LY811679807CN'); // the search looks at the right data
		expect(stored[0].text).not.toContain(TOKEN);
		const workflows = await n8n.db.query<{ text: string }>(`SELECT nodes || COALESCE(staticData, '') AS text FROM workflow_entity`);
		expect(workflows.map((w) => w.text).join('')).not.toContain(TOKEN);
		const historyTable = await n8n.db.query(`SELECT name FROM sqlite_master WHERE name = 'workflow_history'`);
		if (historyTable.length > 0) {
			const history = await n8n.db.query<{ text: string }>(`SELECT nodes AS text FROM workflow_history`);
			expect(history.map((h) => h.text).join('')).not.toContain(TOKEN);
		}
		// Every byte n8n wrote: database (+ WAL), settings, event log, binary data (not the installed package), and its output.
		const written = filesUnder(n8n.n8nFolder, ['nodes']);
		expect(written.some((file) => file.endsWith('database.sqlite'))).toBe(true);
		for (const file of written) expect(fs.readFileSync(file).includes(TOKEN), file).toBe(false);
		expect(n8n.serverOutput()).toContain('Editor is now accessible'); // the output is really n8n's
		expect(n8n.serverOutput()).not.toContain(TOKEN);
	});
});

function filesUnder(folder: string, skip: string[]): string[] {
	return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(folder, entry.name);
		if (entry.isDirectory()) return skip.includes(entry.name) ? [] : filesUnder(full, []);
		return entry.isFile() ? [full] : [];
	});
}

/** The example fed by KeyDelivery: token from the credential, no Kuaidi100 credential. */
function keyDeliveryVariant(workflow: WorkflowFixture): WorkflowFixture {
	const copy = structuredClone(workflow);
	copy.id = 'OnceKeyDelivery1';
	copy.name = 'Email when delivered (KeyDelivery)';
	for (const node of copy.nodes) {
		node.id = `${String(node.id).slice(0, -4)}9${String(node.id).slice(-3)}`;
		if (typeof node.webhookId === 'string') node.webhookId = `${node.webhookId.slice(0, -4)}9${node.webhookId.slice(-3)}`;
		if (node.type === 'n8n-nodes-kuaidi100.trackingWebhookTrigger') {
			node.parameters = { ...(node.parameters as object), source: 'keyDelivery' };
			node.credentials = { keyDeliveryWebhookApi: { id: 'onceKdToken', name: 'KeyDelivery webhook token' } };
		}
	}
	return copy;
}
