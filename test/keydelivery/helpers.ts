/**
 * Shared setup of the KeyDelivery node tests: the real node and credential classes run
 * through n8n-core's WorkflowExecute (test/harness) against the sandbox's fake
 * KeyDelivery over real HTTP on 127.0.0.1. Signatures are recomputed here with
 * node:crypto, independently of src/core/signing.ts and of the sandbox.
 */
import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { KeyDeliveryApi } from '../../credentials/KeyDeliveryApi.credentials';
import { KeyDelivery } from '../../nodes/KeyDelivery/KeyDelivery.node';
import { sampleShipments, startSandbox, type Sandbox, type SandboxOptions, type RecordedRequest } from '../../src/sandbox';
import { executeNode, testCredential, type ExecuteNodeResult } from '../harness/n8n';

/** Distinctive credentials, so a leak into any output is found by a plain text search. */
export const ACCOUNT = Object.freeze({ apiKey: 'kd-apikey-Q7w3Zx91', secret: 'kd-secret-M4p8Rt26' });

export const PATHS = Object.freeze({
	create: '/api/v1/tracking/create',
	realtime: '/api/v1/tracking/realtime',
	detect: '/api/v1/carriers/detect',
});

/** Sample shipments of the sandbox (src/sandbox/sample-shipments.ts). */
export const USPS = Object.freeze({ carrierId: 'usps', trackingNumber: 'LY811679807CN' });
export const DHL_RETURNED = Object.freeze({ carrierId: 'dhl', trackingNumber: '9926933413' });
export const UPS_ODD = Object.freeze({ carrierId: 'ups', trackingNumber: '1Z999AA10123456784' });
export const DHL_DELIVERED = Object.freeze({ carrierId: 'dhl', trackingNumber: '4433221100' });
export const FEDEX_CANCELLED = Object.freeze({ carrierId: 'fedex', trackingNumber: '772345678901' });
/** Known to the sandbox but without any event: realtime answers 60101. */
export const USPS_NO_EVENTS = Object.freeze({ carrierId: 'usps', trackingNumber: '9400111899223100000000' });

/** A sandbox that accepts ACCOUNT and shows every event of every timeline. */
export async function startKeyDeliverySandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	return await startSandbox({
		keyDelivery: { ...ACCOUNT },
		revealSteps: 100,
		shipments: sampleShipments(),
		...options,
	});
}

export interface RunOptions {
	parameters: INodeParameters;
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	credentials?: Partial<{ apiKey: string; secret: string; baseUrl: string }>;
}

/** Runs the KeyDelivery node once through n8n's engine with the sandbox as base URL. */
export async function runNode(sandbox: Sandbox | { keyDeliveryBaseUrl: string }, options: RunOptions): Promise<ExecuteNodeResult> {
	return await executeNode({
		nodeType: new KeyDelivery(),
		credentialTypes: [new KeyDeliveryApi()],
		credentials: {
			keyDeliveryApi: { ...ACCOUNT, baseUrl: sandbox.keyDeliveryBaseUrl, ...options.credentials },
		},
		parameters: options.parameters,
		items: options.items,
		continueOnFail: options.continueOnFail,
	});
}

export async function runCredentialTest(data: IDataObject) {
	return await testCredential({
		nodeType: new KeyDelivery(),
		testedBy: 'keyDeliveryApiTest',
		credentialType: 'keyDeliveryApi',
		credentialTypes: [new KeyDeliveryApi()],
		data: data as never,
	});
}

/** Parameters of one Get Tracking item. */
export function getTrackingParameters(
	shipment: { carrierId: string; trackingNumber: string },
	extra: INodeParameters = {},
): INodeParameters {
	return { operation: 'getTracking', carrierId: shipment.carrierId, trackingNumber: shipment.trackingNumber, ...extra };
}

/** `count` empty input items. */
export function emptyItems(count: number): INodeExecutionData[] {
	return Array.from({ length: count }, () => ({ json: {} }));
}

/** Input items carrying their own fields, for per-item expressions like `={{ $json.tn }}`. */
export function jsonItems(values: IDataObject[]): INodeExecutionData[] {
	return values.map((json) => ({ json }));
}

/** The requests the sandbox received for one KeyDelivery path. */
export function requestsTo(sandbox: Sandbox, path: string): RecordedRequest[] {
	return sandbox.requests.filter((r) => r.provider === 'keydelivery' && r.path === path);
}

export function keyDeliveryRequests(sandbox: Sandbox): RecordedRequest[] {
	return sandbox.requests.filter((r) => r.provider === 'keydelivery');
}

/** Upper-case hex MD5(body + apiKey + secret), over the UTF-8 bytes: the documented signature. */
export function expectedSignature(rawBody: string, apiKey = ACCOUNT.apiKey, secret = ACCOUNT.secret): string {
	return createHash('md5').update(Buffer.from(rawBody + apiKey + secret, 'utf8')).digest('hex').toUpperCase();
}

/** SHA-256 of provider|carrier|tracking_number|event_time|status_code|description (contract v1). */
export function expectedEventId(parts: {
	carrier: string;
	tracking_number: string;
	event_time: string;
	status_code: string;
	description: string;
}): string {
	const key = ['keydelivery', parts.carrier, parts.tracking_number, parts.event_time, parts.status_code, parts.description].join('|');
	return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * A pass-through HTTP proxy in front of the sandbox that counts the requests in
 * flight (from arrival until the sandbox's answer has been relayed) and keeps the
 * highest count seen.
 */
export interface CountingProxy {
	keyDeliveryBaseUrl: string;
	readonly maxInFlight: number;
	readonly total: number;
	/** Request bodies in the order their answers were relayed. */
	readonly completed: readonly string[];
	close(): Promise<void>;
}

export interface CountingProxyOptions {
	/** Milliseconds to hold the sandbox's answer to a request with this body before relaying it. */
	holdAnswer?: (rawBody: string) => number;
}

export async function startCountingProxy(target: string, options: CountingProxyOptions = {}): Promise<CountingProxy> {
	const upstream = new URL(target);
	let inFlight = 0;
	let maxInFlight = 0;
	let total = 0;
	const completed: string[] = [];
	const timers = new Set<NodeJS.Timeout>();
	const server: Server = createServer((req: IncomingMessage, res) => {
		inFlight += 1;
		total += 1;
		maxInFlight = Math.max(maxInFlight, inFlight);
		const chunks: Buffer[] = [];
		let done = false;
		const finish = () => {
			if (done) return;
			done = true;
			inFlight -= 1;
			completed.push(Buffer.concat(chunks).toString('utf8'));
		};
		res.on('finish', finish);
		res.on('close', finish);
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const rawBody = Buffer.concat(chunks);
			const forward = httpRequest(
				{ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
				(answer) => {
					const parts: Buffer[] = [];
					answer.on('data', (part: Buffer) => parts.push(part));
					answer.on('end', () => {
						const relay = () => {
							res.writeHead(answer.statusCode ?? 502, answer.headers);
							res.end(Buffer.concat(parts));
						};
						const hold = options.holdAnswer?.(rawBody.toString('utf8')) ?? 0;
						if (hold <= 0) return relay();
						const timer = setTimeout(() => {
							timers.delete(timer);
							relay();
						}, hold);
						timers.add(timer);
					});
				},
			);
			forward.on('error', () => res.destroy());
			forward.end(rawBody);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	return {
		keyDeliveryBaseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		get maxInFlight() {
			return maxInFlight;
		},
		get total() {
			return total;
		},
		completed,
		async close() {
			for (const timer of timers) clearTimeout(timer);
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
	};
}

/** Everything a run produced, as text: for searching for leaked secrets. */
export function everythingAsText(result: ExecuteNodeResult): string {
	const error = result.error as (Error & { description?: string | null }) | undefined;
	return [
		JSON.stringify(result.outputs),
		JSON.stringify(result.runData),
		error ? JSON.stringify(error) : '',
		error?.message ?? '',
		error?.description ?? '',
		error?.stack ?? '',
	].join('\n');
}

/** http://127.0.0.1:<port> of a port that was just free and is closed again: connections are refused. */
export async function closedPortUrl(): Promise<string> {
	const server = createTcpServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return `http://127.0.0.1:${port}`;
}
