/**
 * End-to-end: Custom API Call in a real n8n (the line of E2E_N8N_LINE). The HTTP Request
 * node, with each credential as a predefined credential type, reaches the sandbox's
 * fakes, which check the signature over the bytes they receive; a wrong key gets the
 * service's own refusal; both nodes offer Custom API Call in the node types n8n loaded;
 * examples/custom-api-call.json imports and runs; and no secret is in the run data.
 *
 *   npx vitest run --config test/e2e/vitest.e2e.config.mts test/e2e/custom-api-call.e2e.test.ts
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_KEYDELIVERY, SANDBOX_KUAIDI100, startSandbox, type Sandbox } from '../../src/sandbox';
import type { Execution } from './lib/db';
import { loadExample, useCredentials } from './lib/fixtures';
import { ensureN8n } from './lib/install';
import { N8n, type CredentialFixture, type WorkflowFixture } from './lib/n8n';
import { buildAndPack } from './lib/pack';

const PARAM = '{"com":"zhongtong","num":"78912345678901","resultv2":"4"}';
const WRONG_KEY = 'e2e-wrong-kuaidi100-key';
const WRONG_SECRET = 'e2e-wrong-keydelivery-secret';
const SECRETS = [SANDBOX_KUAIDI100.key, SANDBOX_KUAIDI100.secret, SANDBOX_KEYDELIVERY.apiKey, SANDBOX_KEYDELIVERY.secret, WRONG_KEY, WRONG_SECRET];

type Body = { contentType: string; fields?: Array<{ name: string; value: string }>; raw?: string; json?: string };

/** A manual trigger and one HTTP Request node sending with a predefined credential. */
function httpWorkflow(id: string, url: string, credentialType: string, credential: CredentialFixture, body: Body): WorkflowFixture {
	const bodyParameters =
		body.contentType === 'form-urlencoded'
			? { bodyParameters: { parameters: body.fields } }
			: body.contentType === 'raw'
				? { rawContentType: 'application/x-www-form-urlencoded', body: body.raw }
				: { specifyBody: 'json', jsonBody: body.json };
	return {
		id,
		name: `e2e: custom API call ${id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: randomUUID(), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: randomUUID(),
				name: 'Call',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [300, 0],
				parameters: {
					method: 'POST',
					url,
					authentication: 'predefinedCredentialType',
					nodeCredentialType: credentialType,
					sendBody: true,
					contentType: body.contentType,
					...bodyParameters,
					options: {},
				},
				credentials: { [credentialType]: { id: credential.id, name: credential.name } },
			},
		],
		connections: { Start: { main: [[{ node: 'Call', type: 'main', index: 0 }]] } },
	};
}

/** A manual trigger and one of this package's nodes, querying with its own credential. */
function nodeWorkflow(id: string, type: string, credentialType: string, credential: CredentialFixture, parameters: Record<string, unknown>): WorkflowFixture {
	return {
		id,
		name: `e2e: node ${id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: randomUUID(), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: randomUUID(), name: 'Node', type, typeVersion: 1, position: [300, 0], parameters: { ...parameters, options: {} }, credentials: { [credentialType]: { id: credential.id, name: credential.name } } },
		],
		connections: { Start: { main: [[{ node: 'Node', type: 'main', index: 0 }]] } },
	};
}

/** Everything n8n stored of an execution, as text, to look for secrets in. */
async function storedText(n8n: N8n, execution: Execution): Promise<string> {
	const rows = await n8n.db.query<{ data: string }>(`SELECT data FROM execution_data WHERE executionId = ${execution.row.id}`);
	return rows.map((row) => row.data).join('\n') + JSON.stringify(execution.data);
}

describe('Custom API Call in a real n8n', () => {
	let work: string;
	let n8n: N8n;
	let sandbox: Sandbox;
	let k100: CredentialFixture;
	let k100Wrong: CredentialFixture;
	let kd: CredentialFixture;
	let kdWrong: CredentialFixture;
	let k100Defaults: CredentialFixture;
	const workflows: Record<string, WorkflowFixture> = {};

	beforeAll(async () => {
		work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-kuaidi100-custom-call-'));
		const building = buildAndPack(work);
		building.catch(() => undefined);
		n8n = new N8n(await ensureN8n(), path.join(work, 'user'));
		sandbox = await startSandbox({ enforceLockout: false });
		// The sandbox listens on 127.0.0.1: allowed explicitly, as a user allows a proxy's host.
		const domains = { allowedHttpRequestDomains: 'domains', allowedDomains: '127.0.0.1' };
		k100 = {
			id: 'e2eCallK100Good',
			name: 'e2e Kuaidi100 (custom call)',
			type: 'kuaidi100Api',
			data: { customer: SANDBOX_KUAIDI100.customer, key: SANDBOX_KUAIDI100.key, secret: SANDBOX_KUAIDI100.secret, baseUrl: sandbox.kuaidi100BaseUrl, ...domains },
		};
		k100Wrong = { ...k100, id: 'e2eCallK100Bad0', name: 'e2e Kuaidi100 (wrong key)', data: { ...k100.data, key: WRONG_KEY } };
		kd = {
			id: 'e2eCallKdGood00',
			name: 'e2e KeyDelivery (custom call)',
			type: 'keyDeliveryApi',
			data: { apiKey: SANDBOX_KEYDELIVERY.apiKey, secret: SANDBOX_KEYDELIVERY.secret, baseUrl: sandbox.keyDeliveryBaseUrl, ...domains },
		};
		kdWrong = { ...kd, id: 'e2eCallKdBad000', name: 'e2e KeyDelivery (wrong secret)', data: { ...kd.data, secret: WRONG_SECRET } };
		const { allowedHttpRequestDomains: _all, allowedDomains: _hosts, ...defaults } = k100.data;
		k100Defaults = { ...k100, id: 'e2eCallK100Dflt', name: 'e2e Kuaidi100 (allowed domains left at default)', data: defaults };

		const k100Query = `${sandbox.kuaidi100BaseUrl}/poll/query.do`;
		const kdRealtime = `${sandbox.keyDeliveryBaseUrl}/api/v1/tracking/realtime`;
		const kdJson = JSON.stringify({ carrier_id: 'usps', tracking_number: 'LY811679807CN', area_show: 1 });
		Object.assign(workflows, {
			k100Form: httpWorkflow('callK100Form', k100Query, 'kuaidi100Api', k100, { contentType: 'form-urlencoded', fields: [{ name: 'param', value: PARAM }] }),
			k100Raw: httpWorkflow('callK100Raw', k100Query, 'kuaidi100Api', k100, { contentType: 'raw', raw: `param=${encodeURIComponent(PARAM)}` }),
			k100Wrong: httpWorkflow('callK100Wrong', k100Query, 'kuaidi100Api', k100Wrong, { contentType: 'form-urlencoded', fields: [{ name: 'param', value: PARAM }] }),
			kdJson: httpWorkflow('callKdJson', kdRealtime, 'keyDeliveryApi', kd, { contentType: 'json', json: kdJson }),
			kdWrong: httpWorkflow('callKdWrong', kdRealtime, 'keyDeliveryApi', kdWrong, { contentType: 'json', json: kdJson }),
			k100Defaults: httpWorkflow('callK100Dflt', k100Query, 'kuaidi100Api', k100Defaults, { contentType: 'form-urlencoded', fields: [{ name: 'param', value: PARAM }] }),
		});
		workflows.k100Node = nodeWorkflow('nodeK100Query', 'n8n-nodes-kuaidi100.kuaidi100', 'kuaidi100Api', k100, {
			operation: 'query', carrierCode: 'zhongtong', trackingNumber: '78912345678901', output: 'simplified', lockoutGuard: false, queryOptions: {},
		});
		workflows.kdNode = nodeWorkflow('nodeKdTracking', 'n8n-nodes-kuaidi100.keyDelivery', 'keyDeliveryApi', kd, {
			operation: 'getTracking', carrierId: 'usps', trackingNumber: 'LY811679807CN', output: 'simplified', trackingOptions: {},
		});
		// The example as a user imports it: credentials picked, and (here only) its URL on the sandbox.
		const example = useCredentials(loadExample('custom-api-call.json'), [k100]);
		for (const node of example.nodes) {
			const parameters = node.parameters as Record<string, unknown>;
			if (typeof parameters.url === 'string') parameters.url = parameters.url.replace('https://api.kuaidi100.com', sandbox.kuaidi100BaseUrl);
		}
		workflows.example = example;

		await n8n.importCredentials([k100, k100Wrong, kd, kdWrong, k100Defaults]);
		await n8n.importWorkflows(Object.values(workflows));
		const pack = await building;
		await n8n.installPackage(pack.tarball);
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
		if (work && !process.env.E2E_KEEP) fs.rmSync(work, { recursive: true, force: true });
	});

	it('Kuaidi100, form fields: the fake accepts the signed query and n8n outputs its reply', async () => {
		const { execution } = await n8n.execute(workflows.k100Form.id);
		expect(execution.status).toBe('success');
		expect(execution.items('Call')[0]).toMatchObject({ nu: '78912345678901', com: 'zhongtong' });
		const received = new URLSearchParams(sandbox.requests.at(-1)!.rawBody);
		expect(received.get('param')).toBe(PARAM);
		expect(received.get('customer')).toBe(SANDBOX_KUAIDI100.customer);
	});

	it('Kuaidi100, a raw form string: signed over the same param text and accepted', async () => {
		const { execution } = await n8n.execute(workflows.k100Raw.id);
		expect(execution.status).toBe('success');
		const reply = execution.items('Call')[0];
		// A raw body's reply may come back as text (autodetected format): read either.
		const parsed = typeof reply.data === 'string' ? (JSON.parse(reply.data) as Record<string, unknown>) : reply;
		expect(parsed).toMatchObject({ nu: '78912345678901' });
	});

	it('Kuaidi100, a wrong key: the service refuses it (503) and no secret is stored', async () => {
		const { execution } = await n8n.execute(workflows.k100Wrong.id);
		expect(execution.items('Call')[0]).toMatchObject({ result: false, returnCode: '503' });
		const stored = await storedText(n8n, execution);
		for (const secret of SECRETS) expect(stored).not.toContain(secret);
	});

	it('KeyDelivery, a JSON body: the fake accepts the signature over the bytes it got', async () => {
		const { execution } = await n8n.execute(workflows.kdJson.id);
		expect(execution.status).toBe('success');
		expect(execution.items('Call')[0]).toMatchObject({ code: 200, data: { carrier_id: 'usps', tracking_number: 'LY811679807CN' } });
		const stored = await storedText(n8n, execution);
		for (const secret of SECRETS) expect(stored).not.toContain(secret);
	});

	it('KeyDelivery, a wrong secret: the service refuses it (104)', async () => {
		const { execution } = await n8n.execute(workflows.kdWrong.id);
		expect(execution.items('Call')[0]).toMatchObject({ code: 104 });
	});

	it('examples/custom-api-call.json imports and runs: the time estimate, signed with key, t and secret, is accepted', async () => {
		const before = sandbox.requests.length;
		const { execution } = await n8n.execute(workflows.example.id);
		expect(execution.status).toBe('success');
		expect(execution.items('Estimate Delivery Time')[0]).toMatchObject({ result: true, returnCode: '200', data: { path: '/label/order' } });
		const received = new URLSearchParams(sandbox.requests[before].rawBody);
		expect(received.get('method')).toBe('time');
		expect(JSON.parse(received.get('param')!)).toMatchObject({ kuaidicom: 'shunfeng', expType: '标准快递' });
		const stored = await storedText(n8n, execution);
		for (const secret of SECRETS) expect(stored).not.toContain(secret);
	});

	it("the nodes' own requests leave n8n the same way (httpRequestWithAuthentication): both accepted by the fakes", async () => {
		const k100Run = await n8n.execute(workflows.k100Node.id);
		expect(k100Run.execution.status).toBe('success');
		expect(k100Run.execution.items('Node')[0]).toMatchObject({ provider: 'kuaidi100', tracking_number: '78912345678901' });
		const kdRun = await n8n.execute(workflows.kdNode.id);
		expect(kdRun.execution.status).toBe('success');
		expect(kdRun.execution.items('Node')[0]).toMatchObject({ provider: 'keydelivery', tracking_number: 'LY811679807CN' });
		for (const { execution } of [k100Run, kdRun]) {
			const stored = await storedText(n8n, execution);
			for (const secret of SECRETS) expect(stored).not.toContain(secret);
		}
	});

	it('both nodes offer Custom API Call in the node types n8n loaded (n8n export:nodes)', async () => {
		const file = path.join(work, 'nodes.json');
		await n8n.cliOk(['export:nodes', `--output=${file}`]);
		const nodes = JSON.parse(fs.readFileSync(file, 'utf8')) as Array<{ name: string; properties: Array<{ name: string; options?: Array<{ value: string }> }> }>;
		for (const name of ['n8n-nodes-kuaidi100.kuaidi100', 'n8n-nodes-kuaidi100.keyDelivery']) {
			const operation = nodes.find((node) => node.name === name)?.properties.find((property) => property.name === 'operation');
			expect(operation?.options?.map((option) => option.value), name).toContain('__CUSTOM_API_CALL__');
		}
	});

	it("a credential left at its defaults may only reach the service's hosts (n8n 2.x checks every request, 1.123 only redirects)", async () => {
		const { execution } = await n8n.execute(workflows.k100Defaults.id);
		if (n8n.install.line === 2) {
			expect(execution.status).toBe('error');
			expect(execution.errorText()).toMatch(/Domain not allowed[^"]*poll\.kuaidi100\.com, www\.kuaidi100\.com, api\.kuaidi100\.com/);
		} else {
			// n8n 1.123's HTTP Request node passes the allowed domains on, but its request helper
			// checks them on redirects only: the first request reaches the sandbox.
			expect(execution.status).toBe('success');
		}
	});
});
