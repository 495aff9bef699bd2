/**
 * Runs real node classes through n8n-core's own execution engine, the way n8n's unpublished
 * `packages/core/nodes-testing` harness does: a real `Workflow`, `WorkflowExecute`,
 * `ExecutionLifecycleHooks`, node execution contexts and request helpers (HTTP goes over
 * real sockets via axios), with only the packages/cli services (DB-backed credentials,
 * webhook server) rebuilt in memory.
 *
 * API: executeNode, testCredential, runWebhook.
 */
import './env';

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
	CredentialTestContext,
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	WebhookContext,
	WorkflowExecute,
} from 'n8n-core';
import type {
	ExecutionError,
	ICredentialDataDecryptedObject,
	ICredentialTestFunction,
	ICredentialType,
	ICredentialsDecrypted,
	IDataObject,
	IDeferredPromise,
	IHttpRequestMethods,
	INode,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	IRun,
	IRunData,
	IVersionedNodeType,
	IWebhookData,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	WebhookType,
	Workflow as WorkflowClass,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { HarnessCredentialsHelper } from './credentials-helper';
import { deduplicationReady } from './deduplication';
import {
	HarnessCredentialTypes,
	HarnessNodeTypes,
	latestVersion,
	nodeTypeName,
} from './node-types';
import { workflowRuntime } from './runtime';
import {
	BodyParseError,
	type HarnessRequest,
	type HarnessResponse,
	type HttpInit,
	installRawBodyReader,
	parseBody,
	sendHttp,
	toHarnessRequest,
	toHarnessResponse,
} from './webhook-server';

const {
	ApplicationError,
	Node,
	NodeHelpers,
	Workflow,
	createDeferredPromise,
	createRunExecutionData,
	deepCopy,
} = workflowRuntime;

export type { HttpInit } from './webhook-server';

const WORKFLOW_ID = 'harness-workflow';
/** How long the simulated database write of static data takes. */
const STATIC_DATA_SAVE_MS = 5;
/** The id of every harness workflow (n8n keys a node's deduplication memory by workflow and node id). */
export const HARNESS_WORKFLOW_ID = WORKFLOW_ID;
const SETTINGS: IWorkflowSettings = { executionOrder: 'v1' };
/** n8n's default instance URL; only appears in $execution.resumeUrl and similar. */
const DEFAULT_BASE_URL = 'http://localhost:5678';

/** What every entry point needs to put one node of ours into a workflow. */
export interface NodeSetup {
	/** e.g. `new Kuaidi100()`; versioned node types are supported too. */
	nodeType: INodeType | IVersionedNodeType;
	/** Credential type classes; needed to apply `authenticate`, defaults and `extends`. */
	credentialTypes?: ICredentialType[];
	/** Decrypted credential data by credential type name (what the user typed in n8n). */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Node parameters as stored in workflow JSON; n8n fills in the defaults. */
	parameters?: INodeParameters;
	/** Defaults to the node's defaultVersion / newest version. */
	typeVersion?: number;
	/** Defaults to the node's display name. */
	nodeName?: string;
	/** Defaults to a new UUID per run; give the same id to runs that share the node's memory. */
	nodeId?: string;
}

export interface ExecuteNodeOptions extends NodeSetup {
	/** Input items of the node under test (fed by an "Items Source" node). Default: one empty item. */
	items?: INodeExecutionData[];
	/** The node setting "On Error: Continue" (`onError: 'continueRegularOutput'`). */
	continueOnFail?: boolean;
	/** Overrides continueOnFail, e.g. 'continueErrorOutput' for a separate error output. */
	onError?: INode['onError'];
	/** Default 'manual' (a click on "Execute workflow"); 'trigger'/'webhook' for production. */
	mode?: WorkflowExecuteMode;
}

export interface ExecuteNodeResult {
	/** Main output 0 of the node under test. */
	items: INodeExecutionData[];
	/** All main outputs of the node under test. */
	outputs: INodeExecutionData[][];
	/** The node's error as n8n stores it in run data (message, description, itemIndex, ...). */
	error?: ExecutionError;
	runData: IRunData;
	run: IRun;
	/** The node as executed, with n8n's parameter defaults applied. */
	node: INode;
}

export interface TestCredentialOptions {
	nodeType: INodeType | IVersionedNodeType;
	/** Name in `methods.credentialTest`, as the node's `credentials[].testedBy` says. */
	testedBy: string;
	credentialType: string;
	data: ICredentialDataDecryptedObject;
	/** If given, credential defaults are applied first, as n8n's CredentialsTester does. */
	credentialTypes?: ICredentialType[];
}

export interface RunWebhookOptions extends NodeSetup {
	/** Workflow static data, read and written back across requests (n8n saves it to the DB). */
	staticData?: IDataObject;
	/** Which of `description.webhooks` to serve. Default 'default'. */
	webhookName?: WebhookType;
	/** Default 'webhook' (production URL); 'manual' is the editor's "Listen for test event". */
	mode?: WorkflowExecuteMode;
	/**
	 * n8n creating the execution (the database write) before it runs the workflow; throw
	 * to play a database that refuses it. n8n then answers 500 and saves no static data.
	 */
	createExecution?: () => void | Promise<void>;
}

export interface WebhookCallResult {
	status: number;
	headers: IncomingMessage['headers'];
	bodyText: string;
	/** What webhook() returned as workflowData: the items that would start the workflow. */
	workflowData?: INodeExecutionData[][];
	webhookResponse?: unknown;
	/** webhook() answered the request itself through getResponseObject(). */
	noWebhookResponse: boolean;
	/** What webhook() threw, if it did (the caller got n8n's 500). */
	error?: unknown;
	/** responseNode mode: the workflow ran (its first node answered the request, or not). */
	executed: boolean;
}

export interface WebhookHandle {
	/** The node's webhook URL as n8n shows it: …/webhook/<webhookId>/<path> (…/webhook-test/… in manual mode). */
	url: string;
	/** http://127.0.0.1:<port> */
	baseUrl: string;
	/** The object passed as `staticData` (or a new one), updated after every request. */
	staticData: IDataObject;
	/** POST to `url`, to `url` + '?query' or to baseUrl + '/any/path?query'. */
	post(pathAndQuery?: string, init?: HttpInit): Promise<WebhookCallResult>;
	request(method: string, pathAndQuery?: string, init?: HttpInit): Promise<WebhookCallResult>;
	close(): Promise<void>;
}

/** Stands in for the Manual Trigger: passes the harness items on to the node under test. */
const ITEMS_SOURCE_TYPE = 'n8n-nodes-harness.itemsSource';
const itemsSource: INodeType = {
	description: {
		displayName: 'Items Source',
		name: 'itemsSource',
		group: ['input'],
		version: 1,
		description: 'Emits the input items given to the test harness',
		defaults: { name: 'Items Source' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	},
	async execute() {
		return [this.getInputData()];
	},
};

function prepare(setup: NodeSetup) {
	const type = nodeTypeName(setup.nodeType);
	const nodeTypes = new HarnessNodeTypes({ [type]: setup.nodeType, [ITEMS_SOURCE_TYPE]: itemsSource });
	const credentialTypes = new HarnessCredentialTypes(setup.credentialTypes);
	const credentialsHelper = new HarnessCredentialsHelper(
		credentialTypes,
		deepCopy(setup.credentials ?? {}),
	);
	const node: INode = {
		id: setup.nodeId ?? randomUUID(),
		name: setup.nodeName ?? setup.nodeType.description.displayName,
		type,
		typeVersion: setup.typeVersion ?? latestVersion(setup.nodeType),
		position: [250, 0],
		parameters: deepCopy(setup.parameters ?? {}),
	};
	// n8n only hands a credential to a node whose JSON references it (`node.credentials`).
	const types = Object.keys(setup.credentials ?? {});
	if (types.length > 0) {
		node.credentials = Object.fromEntries(types.map((t) => [t, { id: `harness-${t}`, name: `${t} account` }]));
	}
	return { nodeTypes, credentialTypes, credentialsHelper, node };
}

function workflowBase(workflow: WorkflowClass): IWorkflowBase {
	return {
		id: WORKFLOW_ID,
		name: workflow.name ?? 'Harness workflow',
		active: workflow.active,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: Object.values(workflow.nodes),
		connections: workflow.connectionsBySourceNode,
		settings: SETTINGS,
	};
}

/** The subset of packages/cli's `WorkflowExecuteAdditionalData.getBase()` nodes can reach. */
function createAdditionalData(
	credentialsHelper: HarnessCredentialsHelper,
	hooks: ExecutionLifecycleHooks,
	baseUrl: string,
): IWorkflowExecuteAdditionalData {
	const unsupported = (what: string) => async () => {
		throw new ApplicationError(`${what} is not supported by the test harness`);
	};
	return {
		credentialsHelper,
		hooks,
		executionId: hooks.executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: `${baseUrl}/rest`,
		instanceBaseUrl: baseUrl,
		formWaitingBaseUrl: `${baseUrl}/form-waiting`,
		webhookBaseUrl: `${baseUrl}/webhook`,
		webhookWaitingBaseUrl: `${baseUrl}/webhook-waiting`,
		webhookTestBaseUrl: `${baseUrl}/webhook-test`,
		variables: {},
		externalSecretsProxy: new ExternalSecretsProxy(),
		executeWorkflow: unsupported('Executing sub-workflows'),
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: unsupported('The task runner (Code node)'),
	};
}

/**
 * Runs `Items Source -> node under test` with n8n-core's WorkflowExecute and returns the
 * node's output. Errors are returned, not thrown: with continueOnFail off, n8n records the
 * error on the node's task data and stops the workflow, and so does this.
 */
export async function executeNode(opts: ExecuteNodeOptions): Promise<ExecuteNodeResult> {
	await deduplicationReady();
	const { nodeTypes, credentialsHelper, node } = prepare(opts);
	const onError = opts.onError ?? (opts.continueOnFail ? 'continueRegularOutput' : undefined);
	if (onError) node.onError = onError;
	const source: INode = {
		id: randomUUID(),
		name: 'Items Source',
		type: ITEMS_SOURCE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const workflow = new Workflow({
		id: WORKFLOW_ID,
		name: 'Harness workflow',
		nodes: [source, node],
		connections: { [source.name]: { main: [[{ node: node.name, type: 'main', index: 0 }]] } },
		active: false,
		nodeTypes,
		settings: SETTINGS,
	});
	const mode = opts.mode ?? 'manual';
	const hooks = new ExecutionLifecycleHooks(mode, randomUUID(), workflowBase(workflow));
	const additionalData = createAdditionalData(credentialsHelper, hooks, DEFAULT_BASE_URL);
	const items = deepCopy(opts.items ?? [{ json: {} }]);
	// Same seeding as n8n's NodeTestHarness: the start node sits on the stack with its input.
	const runExecutionData = createRunExecutionData({
		executionData: { nodeExecutionStack: [{ node: source, data: { main: [items] }, source: null }] },
	});
	const run = await new WorkflowExecute(additionalData, mode, runExecutionData).processRunExecutionData(
		workflow,
	);
	const { runData } = run.data.resultData;
	const task = runData[node.name]?.[0];
	const outputs = (task?.data?.main ?? []).map((output) => output ?? []);
	return {
		items: outputs[0] ?? [],
		outputs,
		error: task?.error ?? run.data.resultData.error,
		runData,
		run,
		node: workflow.nodes[node.name],
	};
}

function findCredentialTest(
	nodeType: INodeType | IVersionedNodeType,
	testedBy: string,
): ICredentialTestFunction {
	// Same lookup as n8n's CredentialsTester: versioned nodes are searched newest first.
	const candidates =
		'nodeVersions' in nodeType
			? Object.keys(nodeType.nodeVersions)
					.map(Number)
					.sort((a, b) => b - a)
					.map((v) => nodeType.nodeVersions[v])
			: [nodeType];
	for (const candidate of candidates) {
		const fn = candidate.methods?.credentialTest?.[testedBy];
		if (fn) return fn;
	}
	throw new ApplicationError(`No credentialTest method "${testedBy}" on ${nodeType.description.name}`);
}

/**
 * Calls a node's `methods.credentialTest[testedBy]` with n8n-core's real
 * `CredentialTestContext` (the context n8n's "Test connection" button uses; its only
 * request helper is the legacy `this.helpers.request`).
 */
export async function testCredential(opts: TestCredentialOptions): Promise<INodeCredentialTestResult> {
	const fn = findCredentialTest(opts.nodeType, opts.testedBy);
	const types = new HarnessCredentialTypes(opts.credentialTypes);
	let data = deepCopy(opts.data);
	if (types.recognizes(opts.credentialType)) {
		data = new HarnessCredentialsHelper(types).applyDefaults(opts.credentialType, data);
	}
	const credentials: ICredentialsDecrypted = {
		id: `harness-${opts.credentialType}`,
		name: `${opts.credentialType} account`,
		type: opts.credentialType,
		data,
	};
	return await fn.call(new CredentialTestContext(), credentials);
}

interface NodeClassWebhook {
	webhook(context: IWebhookFunctions): Promise<IWebhookResponseData>;
}

interface ServerOutcome {
	workflowData?: INodeExecutionData[][];
	webhookResponse?: unknown;
	noWebhookResponse: boolean;
	error?: unknown;
	executed: boolean;
}

/**
 * LiveWebhooks saves static data in the response callback, i.e. only when n8n did not
 * fail, and only if something changed it. The save is a database write that lands a few
 * milliseconds later, so requests served meanwhile still hold the copy they loaded:
 * concurrent requests race on static data as they do in n8n.
 */
async function saveStaticData(workflow: WorkflowClass, staticData: IDataObject): Promise<void> {
	if (workflow.staticData.__dataChanged !== true) return;
	const saved = JSON.parse(
		JSON.stringify(workflow.staticData, (k: string, v: unknown) => (k === '__dataChanged' ? undefined : v)),
	) as IDataObject;
	await new Promise<void>((resolve) => setTimeout(resolve, STATIC_DATA_SAVE_MS));
	for (const key of Object.keys(staticData)) delete staticData[key];
	Object.assign(staticData, saved);
}

/**
 * Runs the workflow a webhook started (here: its start node alone) with n8n-core's
 * WorkflowExecute, as n8n does for responseMode 'responseNode', and resolves with what a
 * node sent through `sendResponse`, or undefined when the execution ended without.
 */
async function runUntilResponse(
	workflow: WorkflowClass,
	startNode: INode,
	items: INodeExecutionData[][],
	mode: WorkflowExecuteMode,
	credentialsHelper: HarnessCredentialsHelper,
	baseUrl: string,
): Promise<IDataObject | undefined> {
	const response = createDeferredPromise<IDataObject | undefined>();
	const hooks = new ExecutionLifecycleHooks(mode, randomUUID(), workflowBase(workflow));
	hooks.addHandler('sendResponse', (sent) => response.resolve(sent as IDataObject));
	const runExecutionData = createRunExecutionData({
		executionData: { nodeExecutionStack: [{ node: startNode, data: { main: items }, source: null }] },
	});
	const additionalData = createAdditionalData(credentialsHelper, hooks, baseUrl);
	new WorkflowExecute(additionalData, mode, runExecutionData)
		.processRunExecutionData(workflow)
		.then(() => response.resolve(undefined), (error: unknown) => response.reject(error as Error));
	return await response.promise;
}

/** n8n's ResponseHelper.sendErrorResponse shape. */
function sendError(res: HarnessResponse, status: number, code: number, message: string, hint?: string) {
	if (res.headersSent) return void res.end();
	res.status(status).json(hint === undefined ? { code, message } : { code, message, hint });
}

/** What n8n's WebhookRequestHandler does with a static response. */
function sendStatic(res: HarnessResponse, body: unknown, code: number, headers: Map<string, string>) {
	res.status(code);
	for (const [name, value] of headers) res.setHeader(name, value);
	if (typeof body === 'string' || Buffer.isBuffer(body)) res.send(body);
	else res.json(body);
}

/** The Webhook node's v1 option that makes n8n skip body parsing; any other node has none. */
function wantsRawBinary(workflow: WorkflowClass, node: INode, mode: WorkflowExecuteMode): boolean {
	if (node.typeVersion !== 1) return false;
	return Boolean(
		workflow.expression.getSimpleParameterValue(
			node,
			'={{$parameter["options"]["binaryData"]}}',
			mode,
			{},
			undefined,
			false,
		),
	);
}

const PARSED_CONTENT_TYPES = ['application/json', 'text/plain', 'application/x-www-form-urlencoded'];

/**
 * Serves the node's webhook on 127.0.0.1 and drives `webhook()` through n8n-core's real
 * WebhookContext, following packages/cli's LiveWebhooks.executeWebhook + executeWebhook
 * (1.x): body parsing, response modes, error answers and static data saving. The rest of
 * the workflow is not run; `workflowData` in each result is what would start it.
 */
export async function runWebhook(opts: RunWebhookOptions): Promise<WebhookHandle> {
	const { nodeTypes, credentialsHelper, node } = prepare(opts);
	node.webhookId = randomUUID();
	const mode = opts.mode ?? 'webhook';
	const webhookName = opts.webhookName ?? 'default';
	const staticData = opts.staticData ?? {};
	const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const description: IWebhookDescription | undefined = nodeType.description.webhooks?.find(
		(w) => w.name === webhookName,
	);
	const { webhook } = nodeType;
	if (!description || webhook === undefined) {
		throw new ApplicationError(`${node.type} has no "${webhookName}" webhook / webhook() method`);
	}

	// A fresh Workflow per request, seeded from the saved static data, as n8n loads it from the DB.
	const newWorkflow = () =>
		new Workflow({
			id: WORKFLOW_ID,
			name: 'Harness workflow',
			nodes: [deepCopy(node)],
			connections: {},
			active: true,
			nodeTypes,
			staticData: deepCopy(staticData),
			settings: SETTINGS,
		});

	const outcomes = new Map<string, IDeferredPromise<ServerOutcome>>();
	const outcomeFor = (port: string) => {
		let deferred = outcomes.get(port);
		if (!deferred) outcomes.set(port, (deferred = createDeferredPromise<ServerOutcome>()));
		return deferred;
	};

	let baseUrl = '';
	const serve = async (req: HarnessRequest, res: HarnessResponse, outcome: ServerOutcome) => {
		const workflow = newWorkflow();
		const startNode = workflow.getNode(node.name) as INode;
		const hooks = new ExecutionLifecycleHooks(mode, randomUUID(), workflowBase(workflow));
		const additionalData = createAdditionalData(credentialsHelper, hooks, baseUrl);
		additionalData.httpRequest = req;
		additionalData.httpResponse = res;
		const keys = { $executionId: undefined };
		const expr = workflow.expression;

		const methods = String(expr.getSimpleParameterValue(startNode, description.httpMethod, mode, keys, undefined, 'GET'))
			.split(',')
			.map((m) => m.trim());
		if (!methods.includes(req.method ?? '')) {
			return sendError(res, 404, 404, `The requested webhook "${req.method} ${req.path}" is not registered.`);
		}
		const webhookData: IWebhookData = {
			httpMethod: req.method as IHttpRequestMethods,
			node: startNode.name,
			path: String(expr.getSimpleParameterValue(startNode, description.path, mode, keys)),
			webhookDescription: description,
			workflowId: WORKFLOW_ID,
			workflowExecuteAdditionalData: additionalData,
			webhookId: startNode.webhookId,
		};
		const responseMode = expr.getSimpleParameterValue(startNode, description.responseMode, mode, keys, undefined, 'onReceived');
		const responseCode = Number(expr.getSimpleParameterValue(startNode, description.responseCode, mode, keys, undefined, 200));
		// n8n's default is 'firstEntryJson', and its onReceived branch returns any truthy
		// responseData verbatim (see the report): a trigger should declare what it wants.
		const responseData = expr.getComplexParameterValue(startNode, description.responseData, mode, keys, undefined, 'firstEntryJson');

		if (!wantsRawBinary(workflow, startNode, mode) && req.contentType !== 'multipart/form-data') {
			const contentType = req.contentType ?? '';
			const parse =
				startNode.typeVersion === 1 ||
				PARSED_CONTENT_TYPES.some((t) => contentType.startsWith(t)) ||
				contentType.endsWith('/xml') ||
				contentType.endsWith('+xml');
			try {
				if (parse) await parseBody(req);
			} catch (error) {
				if (!(error instanceof BodyParseError)) throw error;
				return sendError(res, 422, 422, 'Failed to parse request body', error.message);
			}
		}

		const context = new WebhookContext(workflow, startNode, additionalData, mode, webhookData, [], null);
		let result: IWebhookResponseData;
		try {
			// Same dispatch as n8n's WebhookService.runWebhook: class-style `Node`s get the
			// context as an argument, classic INodeTypes get it as `this`.
			result =
				nodeType instanceof Node
					? await (nodeType as unknown as NodeClassWebhook).webhook(context)
					: await webhook.call(context);
		} catch (error) {
			outcome.error = error;
			return sendError(res, 500, 0, 'Workflow Webhook Error: Workflow could not be started!');
		}
		outcome.workflowData = result.workflowData;
		outcome.webhookResponse = result.webhookResponse;
		outcome.noWebhookResponse = result.noWebhookResponse === true;

		// A reply from the execution comes later (below): static data is saved just before it.
		const respondsFromExecution = responseMode === 'responseNode' && result.workflowData !== undefined && !outcome.noWebhookResponse;
		if (!respondsFromExecution) await saveStaticData(workflow, staticData);

		const headers = new Map<string, string>();
		if (description.responseHeaders !== undefined) {
			const evaluated = expr.getComplexParameterValue(startNode, description.responseHeaders, mode, keys) as
				| { entries?: Array<{ name: string; value: string }> }
				| undefined;
			for (const entry of evaluated?.entries ?? []) headers.set(entry.name.toLowerCase(), entry.value);
		}
		if (result.noWebhookResponse === true) return; // the node already answered
		if (result.workflowData === undefined) {
			const body = result.webhookResponse !== undefined ? result.webhookResponse : { message: 'Webhook call received' };
			return sendStatic(res, body, responseCode, headers);
		}
		if (responseMode === 'onReceived') {
			let body: unknown;
			if (responseData === 'noData') body = undefined;
			else if (responseData) body = responseData;
			else if (result.webhookResponse !== undefined) body = result.webhookResponse;
			else body = { message: 'Workflow was started' };
			return sendStatic(res, body, responseCode, headers);
		}
		if (responseMode !== 'responseNode') {
			// lastNode would wait for the rest of the workflow, which is not run here.
			return sendError(res, 500, 0, `Harness: response mode "${String(responseMode)}" needs the full workflow`);
		}
		// n8n's WorkflowRunner.run: create the execution, then run it; a failure is answered 500.
		try {
			await opts.createExecution?.();
		} catch (error) {
			outcome.error = error;
			return sendError(res, 500, 0, 'There was a problem executing the workflow');
		}
		// n8n 2.x wraps the workflow's static data again as it creates the execution, which
		// clears its "changed" mark: what webhook() wrote is saved only if written again later.
		workflow.staticData.__dataChanged = false;
		const response = await runUntilResponse(workflow, startNode, result.workflowData, mode, credentialsHelper, baseUrl);
		outcome.executed = true;
		if (response === undefined) return sendError(res, 500, 0, 'Harness: the execution ended without a response');
		const replyHeaders = new Map(Object.entries((response.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
		// n8n's setupResponseNodePromise: a Buffer body is written at once and static data
		// saved after it; any other body goes through the response callback, which saves first.
		if (!Buffer.isBuffer(response.body)) await saveStaticData(workflow, staticData);
		sendStatic(res, response.body, Number(response.statusCode ?? 200), replyHeaders);
		if (Buffer.isBuffer(response.body)) await saveStaticData(workflow, staticData);
	};

	const server = createServer((rawReq: IncomingMessage, rawRes: ServerResponse) => {
		const outcome: ServerOutcome = { noWebhookResponse: false, executed: false };
		const req = toHarnessRequest(rawReq);
		const res = toHarnessResponse(rawRes);
		installRawBodyReader(req);
		serve(req, res, outcome)
			.catch((error: unknown) => {
				outcome.error ??= error;
				sendError(res, 500, 0, error instanceof Error ? error.message : String(error));
			})
			.finally(() => outcomeFor(String(rawReq.socket.remotePort)).resolve(outcome));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	const probe = newWorkflow();
	const webhookPath = String(
		probe.expression.getSimpleParameterValue(node, description.path, mode, {}) ?? '',
	);
	const isFullPath = Boolean(
		probe.expression.getSimpleParameterValue(node, description.isFullPath, mode, {}, undefined, false),
	);
	const webhookBase = `${baseUrl}/${mode === 'manual' ? 'webhook-test' : 'webhook'}`;
	const url = NodeHelpers.getNodeWebhookUrl(webhookBase, WORKFLOW_ID, node, webhookPath, isFullPath);

	const request = async (method: string, pathAndQuery?: string, init?: HttpInit) => {
		let target = url;
		if (pathAndQuery?.startsWith('http')) target = pathAndQuery;
		else if (pathAndQuery?.startsWith('?')) target = `${url}${pathAndQuery}`;
		else if (pathAndQuery) target = `${baseUrl}${pathAndQuery.startsWith('/') ? '' : '/'}${pathAndQuery}`;
		const raw = await sendHttp(method, target, init);
		const key = String(raw.localPort);
		const outcome = await outcomeFor(key).promise;
		outcomes.delete(key);
		const { localPort: _localPort, ...http } = raw;
		return { ...http, ...outcome };
	};

	return {
		url,
		baseUrl,
		staticData,
		post: async (pathAndQuery, init) => await request('POST', pathAndQuery, init),
		request,
		close: async () =>
			await new Promise<void>((resolve, reject) => {
				server.closeAllConnections();
				server.close((error) => (error ? reject(error) : resolve()));
			}),
	};
}
