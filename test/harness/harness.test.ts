/**
 * Self-tests of the n8n test harness, using tiny nodes defined here (not the package's nodes),
 * so a failure points at the harness or at an n8n-core behaviour change, not at our nodes.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { executeNode, runWebhook, testCredential } from './n8n';

// ---------------------------------------------------------------- a tiny upstream API

interface Seen {
	method: string;
	url: string;
	headers: IncomingMessage['headers'];
	body: string;
}
const seen: Seen[] = [];
let api: Server;
let apiUrl = '';

beforeAll(async () => {
	api = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
			const url = new URL(req.url ?? '/', 'http://x');
			let status = 200;
			let reply: IDataObject = { path: url.pathname, q: url.searchParams.get('q'), token: url.searchParams.get('token') };
			if (url.pathname === '/fail') {
				status = 401;
				reply = { error: 'bad key' };
			} else if (url.pathname === '/me') {
				status = req.headers['x-api-key'] === 'secret' ? 200 : 403;
				reply = { ok: status === 200 };
			}
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(reply));
		});
	});
	await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
	apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
afterAll(async () => await new Promise<void>((resolve) => api.close(() => resolve())));

// ---------------------------------------------------------------- credential types

/** Declarative auth, resolved by the credentials helper like n8n's CLI does. */
const genericApi = (): ICredentialType => ({
	name: 'harnessGenericApi',
	displayName: 'Harness Generic API',
	properties: [
		{ displayName: 'API Key', name: 'apiKey', type: 'string', default: '' },
		// Deliberately absent from the test credentials: n8n must fill in the default.
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: apiUrl },
	],
	authenticate: {
		type: 'generic',
		properties: {
			headers: { 'X-Api-Key': '={{$credentials.apiKey}}' },
			qs: { token: '={{"t-" + $credentials.apiKey}}' },
		},
	},
});

const functionApi: ICredentialType = {
	name: 'harnessFunctionApi',
	displayName: 'Harness Function API',
	properties: [{ displayName: 'Token', name: 'token', type: 'string', default: '' }],
	authenticate: async (credentials: ICredentialDataDecryptedObject, options: IHttpRequestOptions) => ({
		...options,
		headers: { ...options.headers, Authorization: `Bearer ${String(credentials.token)}` },
	}),
};

// ---------------------------------------------------------------- nodes

const baseDescription = (name: string): INodeTypeDescription => ({
	displayName: name,
	name: name.replace(/\s/g, '').replace(/^./, (c) => c.toLowerCase()),
	group: ['transform'],
	version: 1,
	description: 'harness self-test node',
	defaults: { name },
	inputs: ['main'],
	outputs: ['main'],
	properties: [],
});

/** GETs `${baseUrl}${path}?q=<query>` through n8n-core's authenticated request helper. */
class HttpProbe implements INodeType {
	description: INodeTypeDescription = {
		...baseDescription('Http Probe'),
		credentials: [
			{
				name: 'harnessGenericApi',
				required: true,
				displayOptions: { show: { authentication: ['generic'] } },
			},
			{
				name: 'harnessFunctionApi',
				required: true,
				displayOptions: { show: { authentication: ['function'] } },
			},
		],
		properties: [
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{ name: 'Generic', value: 'generic' },
					{ name: 'Function', value: 'function' },
				],
				default: 'generic',
			},
			{ displayName: 'Path', name: 'path', type: 'string', default: '/echo' },
			{ displayName: 'Query', name: 'query', type: 'string', default: '' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		const auth = this.getNodeParameter('authentication', 0) as string;
		const credentialType = auth === 'generic' ? 'harnessGenericApi' : 'harnessFunctionApi';
		const credentials = await this.getCredentials(credentialType);
		const baseUrl = (credentials.baseUrl as string | undefined) ?? apiUrl;
		for (let i = 0; i < this.getInputData().length; i++) {
			const response = (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
				method: 'GET',
				url: `${baseUrl}${this.getNodeParameter('path', i) as string}`,
				qs: { q: this.getNodeParameter('query', i) as string },
				json: true,
			})) as IDataObject;
			out.push({ json: response }); // no pairedItem: n8n-core must add it
		}
		return [out];
	}
}

/** Fails items with `fail: true`, honouring "Continue On Fail" the way n8n nodes do. */
class Thrower implements INodeType {
	description: INodeTypeDescription = baseDescription('Thrower');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				if (items[i].json.fail) {
					throw new NodeOperationError(this.getNode(), `Item ${i} is broken`, {
						itemIndex: i,
						description: 'Remove the fail flag',
					});
				}
				out.push({ json: { ok: i }, pairedItem: { item: i } });
			} catch (error) {
				if (!this.continueOnFail()) throw error;
				out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
			}
		}
		return [out];
	}
}

/** Credential test through n8n-core's CredentialTestContext (legacy `helpers.request`). */
class Tested implements INodeType {
	description: INodeTypeDescription = {
		...baseDescription('Tested'),
		credentials: [{ name: 'harnessGenericApi', required: true, testedBy: 'probeKey' }],
	};

	methods = {
		credentialTest: {
			async probeKey(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				const data = credential.data ?? {};
				try {
					await this.helpers.request({
						method: 'GET',
						uri: `${String(data.baseUrl)}/me`,
						headers: { 'x-api-key': data.apiKey },
						json: true,
					});
					return { status: 'OK', message: 'Connection successful' };
				} catch (error) {
					return { status: 'Error', message: `Rejected: ${(error as Error).message}` };
				}
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

const SALT = 'pepper';
const sign = (raw: Buffer | string) => createHash('md5').update(raw).update(SALT).digest('hex');

/**
 * Kuaidi100-like push receiver: verifies an MD5 of the raw body, answers the caller itself
 * and remembers delivered ids in node static data to drop redeliveries.
 */
class PushTrigger implements INodeType {
	description: INodeTypeDescription = {
		...baseDescription('Push Trigger'),
		group: ['trigger'],
		inputs: [],
		credentials: [{ name: 'harnessGenericApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'push' }],
		properties: [{ displayName: 'Label', name: 'label', type: 'string', default: 'push' }],
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject();
		const res = this.getResponseObject();
		const credentials = await this.getCredentials('harnessGenericApi');
		if (req.headers['x-sign'] !== sign(req.rawBody)) {
			res.status(401).json({ result: false, message: `bad signature for ${String(credentials.apiKey)}` });
			return { noWebhookResponse: true };
		}
		const body = this.getBodyData();
		const payload =
			typeof body.param === 'string' ? (JSON.parse(body.param) as IDataObject) : (body as IDataObject);
		const memory = this.getWorkflowStaticData('node');
		const ids = (memory.ids as string[] | undefined) ?? [];
		if (ids.includes(String(payload.id))) {
			res.status(200).json({ result: true, duplicate: true });
			return { noWebhookResponse: true };
		}
		memory.ids = [...ids, String(payload.id)];
		res.status(200).json({ result: true, returnCode: '200' });
		return {
			noWebhookResponse: true,
			workflowData: [
				this.helpers.returnJsonArray({
					...payload,
					label: this.getNodeParameter('label') as string,
					query: this.getQueryData() as IDataObject,
				}),
			],
		};
	}
}

/** Lets n8n answer: `responseData` decides the body in onReceived mode. */
const plainTrigger = (responseData: string | undefined, fail = false): INodeType => ({
	description: {
		...baseDescription('Plain Trigger'),
		group: ['trigger'],
		inputs: [],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'plain', responseData },
		],
	},
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		this.getWorkflowStaticData('global').touched = true;
		if (fail) throw new Error('boom');
		const req = this.getRequestObject();
		return {
			workflowData: [[{ json: { body: this.getBodyData(), raw: req.rawBody.toString('utf8') } }]],
		};
	},
});

// ---------------------------------------------------------------- tests

describe('executeNode', () => {
	it('applies generic authenticate, credential defaults and per-item expressions over real HTTP', async () => {
		seen.length = 0;
		const result = await executeNode({
			nodeType: new HttpProbe(),
			credentialTypes: [genericApi(), functionApi],
			credentials: { harnessGenericApi: { apiKey: 'secret' } },
			parameters: { query: '={{ $json.q }}' },
			items: [{ json: { q: 'a' } }, { json: { q: 'b' } }],
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json)).toEqual([
			{ path: '/echo', q: 'a', token: 't-secret' },
			{ path: '/echo', q: 'b', token: 't-secret' },
		]);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(seen).toHaveLength(2);
		expect(seen[0].headers['x-api-key']).toBe('secret');
		expect(result.node.parameters.path).toBe('/echo'); // n8n applied the parameter default
	});

	it('applies a function authenticate', async () => {
		seen.length = 0;
		const result = await executeNode({
			nodeType: new HttpProbe(),
			credentialTypes: [genericApi(), functionApi],
			credentials: { harnessFunctionApi: { token: 'tok' } },
			parameters: { authentication: 'function', query: 'x' },
		});
		expect(result.error).toBeUndefined();
		expect(seen[0].headers.authorization).toBe('Bearer tok');
		expect(result.items[0].json).toMatchObject({ q: 'x', token: null });
	});

	it('surfaces HTTP failures as n8n-core NodeApiErrors', async () => {
		const result = await executeNode({
			nodeType: new HttpProbe(),
			credentialTypes: [genericApi()],
			credentials: { harnessGenericApi: { apiKey: 'secret' } },
			parameters: { path: '/fail' },
		});
		expect(result.items).toEqual([]);
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '401' });
		expect(result.error?.message).toMatch(/Authorization failed/);
	});

	it('reports a missing credential the way n8n does', async () => {
		const result = await executeNode({ nodeType: new HttpProbe(), credentialTypes: [genericApi()] });
		expect(result.error?.message).toBe('Node does not have any credentials set');
	});

	it('stops on the first failing item without continueOnFail', async () => {
		const result = await executeNode({
			nodeType: new Thrower(),
			items: [{ json: {} }, { json: { fail: true } }],
		});
		expect(result.items).toEqual([]);
		expect(result.error).toMatchObject({
			message: 'Item 1 is broken',
			description: 'Remove the fail flag',
			context: { itemIndex: 1 },
		});
	});

	it('turns failures into error items with continueOnFail', async () => {
		const result = await executeNode({
			nodeType: new Thrower(),
			continueOnFail: true,
			items: [{ json: {} }, { json: { fail: true } }],
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{ json: { ok: 0 }, pairedItem: { item: 0 } },
			{ json: { error: 'Item 1 is broken' }, pairedItem: { item: 1 } },
		]);
	});
});

describe('testCredential', () => {
	const run = async (apiKey: string) =>
		await testCredential({
			nodeType: new Tested(),
			testedBy: 'probeKey',
			credentialType: 'harnessGenericApi',
			credentialTypes: [genericApi()],
			data: { apiKey }, // baseUrl comes from the credential default
		});

	it('passes with a good key', async () => {
		expect(await run('secret')).toEqual({ status: 'OK', message: 'Connection successful' });
	});

	it('fails with a bad key', async () => {
		const result = await run('nope');
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/403/);
	});
});

describe('runWebhook', () => {
	const form = (payload: IDataObject) => {
		const body = new URLSearchParams({ param: JSON.stringify(payload) }).toString();
		return { headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-sign': sign(body) }, body };
	};

	it('drives webhook() through WebhookContext and remembers ids in static data', async () => {
		const staticData: IDataObject = {};
		const hook = await runWebhook({
			nodeType: new PushTrigger(),
			credentialTypes: [genericApi()],
			credentials: { harnessGenericApi: { apiKey: 'secret' } },
			parameters: { label: 'kd' },
			staticData,
		});
		try {
			expect(hook.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhook\/[0-9a-f-]{36}\/push$/);

			const first = await hook.post('?src=test', form({ id: 'A1', state: 3 }));
			expect(first.status).toBe(200);
			expect(JSON.parse(first.bodyText)).toEqual({ result: true, returnCode: '200' });
			expect(first.noWebhookResponse).toBe(true);
			expect(first.workflowData?.[0].map((i) => i.json)).toEqual([
				{ id: 'A1', state: 3, label: 'kd', query: { src: 'test' } },
			]);
			expect(staticData).toEqual({ 'node:Push Trigger': { ids: ['A1'] } });

			const again = await hook.post(undefined, form({ id: 'A1', state: 3 }));
			expect(JSON.parse(again.bodyText)).toEqual({ result: true, duplicate: true });
			expect(again.workflowData).toBeUndefined();

			const forged = await hook.post(undefined, { ...form({ id: 'B2' }), headers: { 'x-sign': 'x' } });
			expect(forged.status).toBe(401);
			expect(JSON.parse(forged.bodyText)).toMatchObject({ result: false });
			expect(forged.workflowData).toBeUndefined();
		} finally {
			await hook.close();
		}

		// A new server with the same object: the "saved" static data survives a restart.
		const restarted = await runWebhook({
			nodeType: new PushTrigger(),
			credentialTypes: [genericApi()],
			credentials: { harnessGenericApi: { apiKey: 'secret' } },
			staticData,
		});
		try {
			const replay = await restarted.post(undefined, form({ id: 'A1' }));
			expect(JSON.parse(replay.bodyText)).toEqual({ result: true, duplicate: true });
		} finally {
			await restarted.close();
		}
	});

	it('parses JSON like n8n and keeps the raw bytes, also gzip-encoded', async () => {
		const hook = await runWebhook({ nodeType: plainTrigger('') });
		try {
			const raw = '{"a":1,  "b":[true]}';
			const plain = await hook.post(undefined, { headers: { 'content-type': 'application/json' }, body: raw });
			expect(plain.workflowData?.[0][0].json).toEqual({ body: { a: 1, b: [true] }, raw });

			const zipped = await hook.post(undefined, {
				headers: { 'content-type': 'application/json; charset=utf-8', 'content-encoding': 'gzip' },
				body: gzipSync(raw),
			});
			expect(zipped.workflowData?.[0][0].json).toEqual({ body: { a: 1, b: [true] }, raw });

			const broken = await hook.post(undefined, { headers: { 'content-type': 'application/json' }, body: '{' });
			expect(broken.status).toBe(422);
			expect(JSON.parse(broken.bodyText)).toMatchObject({ code: 422, message: 'Failed to parse request body' });
		} finally {
			await hook.close();
		}
	});

	it('answers like n8n onReceived mode when the node does not', async () => {
		const started = await runWebhook({ nodeType: plainTrigger('') });
		const defaulted = await runWebhook({ nodeType: plainTrigger(undefined) });
		try {
			const a = await started.post(undefined, { body: { x: 1 } });
			expect(a.status).toBe(200);
			expect(JSON.parse(a.bodyText)).toEqual({ message: 'Workflow was started' });
			expect(a.noWebhookResponse).toBe(false);
			// n8n 1.x evaluates a missing responseData to 'firstEntryJson' and sends it verbatim.
			const b = await defaulted.post(undefined, { body: { x: 1 } });
			expect(b.bodyText).toBe('firstEntryJson');

			const wrongMethod = await started.request('GET');
			expect(wrongMethod.status).toBe(404);
		} finally {
			await started.close();
			await defaulted.close();
		}
	});

	it('answers 500 when webhook() throws and does not save static data', async () => {
		const staticData: IDataObject = {};
		const hook = await runWebhook({ nodeType: plainTrigger('', true), staticData });
		try {
			const result = await hook.post(undefined, { body: {} });
			expect(result.status).toBe(500);
			expect(JSON.parse(result.bodyText)).toEqual({
				code: 0,
				message: 'Workflow Webhook Error: Workflow could not be started!',
			});
			expect((result.error as Error).message).toBe('boom');
			expect(staticData).toEqual({});
		} finally {
			await hook.close();
		}
	});
});

describe('module identity', () => {
	it('node code and n8n-core share one n8n-workflow (needs the n8n-workflow alias in vitest.config.ts)', () => {
		const cjs = createRequire(__filename)('n8n-workflow') as { NodeOperationError: unknown };
		expect(
			cjs.NodeOperationError === NodeOperationError,
			"vitest loads n8n-workflow's ESM build for tests but n8n-core uses the CJS build, so " +
				'`instanceof NodeApiError` differs from production. Alias n8n-workflow to ' +
				"require.resolve('n8n-workflow') in vitest.config.ts.",
		).toBe(true);
	});
});
