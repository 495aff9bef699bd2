import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { MILESTONES } from '../../src/normalize/milestones';
import { DEFAULT_SOURCE_TIME_ZONE } from '../../src/normalize/time';
import {
	KEYDELIVERY_WEBHOOK_ACK,
	KUAIDI100_PUSH_ACK,
	receiveKeyDeliveryWebhook,
	receiveKuaidi100Push,
	tokenMatches,
	type PushOutcome,
	type ReceivedPush,
} from '../../src/push/receive';
import { DEFAULT_SHIPMENT_LIMIT, memoryKeyOf, selectPush, type PushFilter } from '../../src/push/memory';
import { decideInTriggerMemory, type PushMemoryStore, type Reservation } from '../../src/push/process-memory';
import { kuaidi100ApiTest } from '../Kuaidi100/methods/credentialTest';
import { buildOutput, callbackParameters, TOKEN_PARAMETER } from './output';
import { expectedKeyDeliveryToken, keyDeliveryWebhookTokenTest, LEGACY_TOKEN_PARAMETER } from './token';

type Source = 'kuaidi100' | 'keyDelivery';
/** express's Response, as n8n hands it to webhook(). */
type WebhookResponse = ReturnType<IWebhookFunctions['getResponseObject']>;

// A trigger has no input to call it with, so it cannot be an AI tool; `usableAsTool`
// would make n8n offer a tool variant that can never run.
export class TrackingWebhookTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Tracking Webhook Trigger',
		name: 'trackingWebhookTrigger',
		icon: { light: 'file:trackingWebhookTrigger.svg', dark: 'file:trackingWebhookTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["source"] === "kuaidi100" ? "Kuaidi100 push" : "KeyDelivery webhook" }}',
		description: 'Starts the workflow when Kuaidi100 or KeyDelivery pushes a tracking update, e.g. when a parcel is delivered',
		documentationUrl: 'https://github.com/n8n-nodes-kuaidi100/n8n-nodes-kuaidi100#tracking-webhook-trigger',
		defaults: { name: 'Tracking Webhook Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'kuaidi100Api',
				required: false,
				testedBy: 'kuaidi100ApiTest',
				displayOptions: { show: { source: ['kuaidi100'] } },
			},
			{
				name: 'keyDeliveryWebhookApi',
				required: false,
				testedBy: 'keyDeliveryWebhookTokenTest',
				displayOptions: { show: { source: ['keyDelivery'] } },
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				// A push that starts the workflow is answered by this node's execute(), i.e. only
				// once n8n has created the execution; other pushes are answered by webhook() itself
				// (exact bodies, 401 and 400 included).
				responseMode: 'responseNode',
				path: 'tracking',
			},
		],
		properties: [
			{
				displayName: 'Source',
				name: 'source',
				type: 'options',
				noDataExpression: true,
				default: 'kuaidi100',
				options: [
					{ name: 'Kuaidi100 Push', value: 'kuaidi100' },
					{ name: 'KeyDelivery Webhook', value: 'keyDelivery' },
				],
			},
			{
				displayName:
					'Give this node\'s Production URL to the Kuaidi100 node\'s Subscribe operation as "Callback URL". You may append your own query parameters (e.g. <code>?orderId=1001&email=jane@example.com</code>): they come back with every push. Choose a credential with a Salt to reject forged pushes (its Salt is sent by Subscribe).',
				name: 'kuaidi100Notice',
				type: 'notice',
				default: '',
				displayOptions: { show: { source: ['kuaidi100'] } },
			},
			{
				displayName:
					'Give this node\'s Production URL followed by <code>?token=</code> and the token of the chosen KeyDelivery Webhook Token credential to the KeyDelivery node\'s Create Tracking as "Webhook URL", e.g. <code>https://n8n.example.com/webhook/…/tracking?token=YOUR_TOKEN&orderId=1001</code>. Posts without the right token get HTTP 401.',
				name: 'keyDeliveryNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { source: ['keyDelivery'] } },
			},
			// Before 0.2 the token was this node parameter, which n8n copies into every execution,
			// the workflow history and exported JSON. Shown only while it still holds a value.
			{
				displayName:
					'This node still holds the token as a parameter, which n8n stores in every execution and in the workflow history. Create a KeyDelivery Webhook Token credential with the same token, choose it above, then clear the field below.',
				name: 'legacyTokenNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { source: ['keyDelivery'], [LEGACY_TOKEN_PARAMETER]: [{ _cnd: { not: '' } }] } },
			},
			{
				displayName: 'Token (Deprecated)',
				name: LEGACY_TOKEN_PARAMETER,
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description: `Deprecated: use the KeyDelivery Webhook Token credential. Secret that must arrive as the "${TOKEN_PARAMETER}" query parameter; ignored when a credential is chosen.`,
				displayOptions: { show: { source: ['keyDelivery'], [LEGACY_TOKEN_PARAMETER]: [{ _cnd: { not: '' } }] } },
			},
			{
				displayName: 'Trigger On',
				name: 'triggerOn',
				type: 'options',
				default: 'all',
				options: [
					{ name: 'All Updates', value: 'all', description: 'Every push that brings something new' },
					{
						name: 'Chosen Milestones',
						value: 'milestones',
						description: 'Only when the shipment reaches one of the chosen milestones',
					},
				],
			},
			{
				displayName: 'Milestones',
				name: 'milestones',
				type: 'multiOptions',
				default: ['delivered'],
				options: MILESTONES.map((milestone) => ({ name: milestone, value: milestone })),
				description: 'The milestones that start the workflow',
				displayOptions: { show: { triggerOn: ['milestones'] } },
			},
			{
				displayName: 'Only New',
				name: 'onlyNew',
				type: 'boolean',
				default: true,
				description:
					'Whether to remember per tracking number what was already emitted, so repeated full-history pushes start the workflow only for what is new, and each milestone fires once',
			},
			{
				displayName: 'Shipments to Remember',
				name: 'shipmentLimit',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_SHIPMENT_LIMIT,
				description:
					'How many shipments the memory keeps (30 bytes each in the workflow\'s static data: 0.6 MB at 20,000); beyond it the least recently fired ones are forgotten and could fire again',
				displayOptions: { show: { onlyNew: [true] } },
			},
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				default: 'shipment',
				options: [
					{ name: 'Shipment', value: 'shipment', description: 'One item per push: the normalized shipment with its events' },
					{ name: 'New Events', value: 'events', description: 'One item per new normalized event' },
				],
			},
			{
				displayName: 'Source Time Zone',
				name: 'sourceTimeZone',
				type: 'string',
				default: DEFAULT_SOURCE_TIME_ZONE,
				description: 'Time zone of the times in pushes (they carry none), as an IANA name or an offset like +08:00',
			},
		],
	};

	methods = {
		credentialTest: { kuaidi100ApiTest, keyDeliveryWebhookTokenTest },
	};

	// A passive receiver: the services are told the URL by Subscribe / Create Tracking,
	// so there is nothing to register or remove remotely.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const source = this.getNodeParameter('source') as Source;
		const response = this.getResponseObject();
		const reply = (status: number, body: string): IWebhookResponseData => {
			response.status(status).setHeader('Content-Type', JSON_CONTENT_TYPE);
			response.end(body);
			return { noWebhookResponse: true };
		};
		const query = this.getQueryData() as Record<string, unknown>;
		const outcome = await receivePush(this, source, query);
		if (!outcome.ok) return reply(outcome.status, rejectionBody(source, outcome));

		const filter: PushFilter = {
			triggerOn: this.getNodeParameter('triggerOn', 'all') as PushFilter['triggerOn'],
			milestones: this.getNodeParameter('milestones', []) as PushFilter['milestones'],
			onlyNew: this.getNodeParameter('onlyNew', true) as boolean,
		};
		const { result: selection, reservation } = decide(this, filter, outcome.push);
		const acknowledged = () => reply(200, ackFor(source));
		if (!selection.fire) return acknowledged();

		const mode = this.getNodeParameter('output', 'shipment') as 'shipment' | 'events';
		const items: IDataObject[] = buildOutput(mode, outcome.push, selection, callbackParameters(query));
		if (items.length === 0) {
			reservation?.commit(); // decided, and nothing to run
			return acknowledged();
		}
		// No reply here: this node's execute() sends the ack from inside the execution, so a
		// 2xx means n8n has created and started it. If n8n cannot, it answers 500 and the
		// service sends the push again; the reservation is then dropped, so that retry fires.
		if (reservation) settleOnReply(response, reservation);
		return { workflowData: [this.helpers.returnJsonArray(items)] };
	}

	/**
	 * Runs as the first step of the execution the push started: sends the service its
	 * ack (see webhook()) and passes the items on.
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const source = this.getNodeParameter('source', 0) as Source;
		// A Buffer is written as it is, at once, in n8n 1.x and 2.x; a string body is lost
		// (an empty 200) when n8n saves static data before sending it.
		this.sendResponse({ body: Buffer.from(ackFor(source)), headers: { 'content-type': JSON_CONTENT_TYPE }, statusCode: 200 });
		return [this.getInputData()];
	}
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** The push verified (signature or token) and normalized, or why it is refused. */
async function receivePush(ctx: IWebhookFunctions, source: Source, query: Record<string, unknown>): Promise<PushOutcome> {
	const request = ctx.getRequestObject() as unknown as { rawBody?: Buffer; body?: unknown };
	const rawBody = rawBodyText(request);
	const options = { sourceTimeZone: (ctx.getNodeParameter('sourceTimeZone', DEFAULT_SOURCE_TIME_ZONE) as string) || DEFAULT_SOURCE_TIME_ZONE };
	if (source === 'kuaidi100') return receiveKuaidi100Push(rawBody, await kuaidi100Salt(ctx), options);
	const token = await expectedKeyDeliveryToken(ctx);
	const received = typeof query[TOKEN_PARAMETER] === 'string' ? (query[TOKEN_PARAMETER] as string) : undefined;
	return tokenMatches(received, token)
		? receiveKeyDeliveryWebhook(rawBody, options)
		: { ok: false, status: 401, message: `Missing or wrong "${TOKEN_PARAMETER}" query parameter.` };
}

/** A refusal in the shape of the service's own replies. */
function rejectionBody(source: Source, outcome: { status: number; message: string }): string {
	return source === 'kuaidi100'
		? JSON.stringify({ result: false, returnCode: String(outcome.status), message: outcome.message })
		: JSON.stringify({ code: outcome.status, message: outcome.message });
}

function ackFor(source: Source): string {
	return source === 'kuaidi100' ? KUAIDI100_PUSH_ACK : KEYDELIVERY_WEBHOOK_ACK;
}

/** Decides the push on the trigger's memory (Only New) or on nothing. */
function decide(ctx: IWebhookFunctions, filter: PushFilter, push: ReceivedPush) {
	const { shipment, pushStatus } = push;
	if (!filter.onlyNew) return { result: selectPush(undefined, shipment, pushStatus, filter).selection };
	const limit = Math.max(1, Math.floor(Number(ctx.getNodeParameter('shipmentLimit', DEFAULT_SHIPMENT_LIMIT)) || DEFAULT_SHIPMENT_LIMIT));
	const store = ctx.getWorkflowStaticData('node') as PushMemoryStore;
	const identity = { mode: ctx.getMode(), workflowId: String(ctx.getWorkflow().id ?? ''), nodeId: ctx.getNode().id };
	// Decide and reserve in one synchronous step (see process-memory.ts): nothing may be awaited in between.
	return decideInTriggerMemory(identity, store, limit, memoryKeyOf(shipment), (stored) => {
		const { selection, change } = selectPush(stored, shipment, pushStatus, filter);
		return { result: selection, change };
	});
}

/**
 * The push is remembered when n8n writes its 2xx reply (the ack from execute()), and
 * forgotten when n8n answers anything else or the connection closes without a reply.
 * Settled as `end` is called: n8n saves static data right after it.
 */
function settleOnReply(response: WebhookResponse, reservation: Reservation): void {
	const end = response.end;
	response.end = function (this: WebhookResponse, ...args: Parameters<WebhookResponse['end']>) {
		response.end = end;
		if (response.statusCode < 300) reservation.commit();
		else reservation.release();
		return end.apply(this, args);
	} as WebhookResponse['end'];
	response.once('close', () => {
		if (!response.writableEnded) reservation.release();
	});
}

/** The body exactly as received: n8n keeps the raw bytes next to the parsed body. */
function rawBodyText(request: { rawBody?: Buffer; body?: unknown }): string {
	if (request.rawBody && request.rawBody.length > 0) return request.rawBody.toString('utf8');
	const body = request.body;
	if (typeof body === 'string') return body;
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	if (body && typeof body === 'object') {
		// Parsed already: a form body is re-encoded field by field (values are unchanged
		// by decoding, so the signed `param` text is the same), a JSON body re-serialized.
		const values = Object.values(body as Record<string, unknown>);
		if (values.every((value) => typeof value === 'string') && 'param' in (body as object)) {
			return new URLSearchParams(body as Record<string, string>).toString();
		}
		return JSON.stringify(body);
	}
	return '';
}

/**
 * The salt of the chosen credential; undefined only when no credential is chosen.
 * A chosen credential that cannot be loaded (deleted, undecryptable) throws: n8n then
 * answers 500 and Kuaidi100 retries, instead of the signature check being skipped.
 */
async function kuaidi100Salt(ctx: IWebhookFunctions): Promise<string | undefined> {
	if (!ctx.getNode().credentials?.kuaidi100Api) return undefined; // pushes are accepted unsigned
	const credentials = await ctx.getCredentials('kuaidi100Api');
	const salt = typeof credentials.salt === 'string' ? credentials.salt : '';
	return salt || undefined;
}
