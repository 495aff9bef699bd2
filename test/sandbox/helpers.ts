/**
 * Test-side helpers that speak the wire formats directly, with their own MD5 (not
 * src/core/signing.ts, not the sandbox's), so each side is checked independently.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SANDBOX_KEYDELIVERY, SANDBOX_KUAIDI100 } from '../../src/sandbox';

export function md5Hex(text: string): string {
	return createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();
}

export interface RawReply {
	status: number;
	text: string;
	contentType: string;
}

export function parse(reply: RawReply): unknown {
	return JSON.parse(reply.text);
}

export async function send(
	url: string,
	init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawReply> {
	const response = await fetch(url, { method: init.method ?? 'POST', headers: init.headers, body: init.body });
	return { status: response.status, text: await response.text(), contentType: response.headers.get('content-type') ?? '' };
}

/** customer/sign/param fields of a Kuaidi100 query, signed MD5(param + key + customer). */
export function kuaidi100Fields(
	param: Record<string, unknown> | string,
	options: { customer?: string; key?: string; sign?: string } = {},
): Record<string, string> {
	const text = typeof param === 'string' ? param : JSON.stringify(param);
	const customer = options.customer ?? SANDBOX_KUAIDI100.customer;
	const key = options.key ?? SANDBOX_KUAIDI100.key;
	return { customer, sign: options.sign ?? md5Hex(text + key + customer), param: text };
}

export async function postForm(
	url: string,
	fields: Record<string, string>,
	contentType = 'application/x-www-form-urlencoded',
): Promise<RawReply> {
	return await send(url, { headers: { 'Content-Type': contentType }, body: new URLSearchParams(fields).toString() });
}

export async function queryKuaidi100(
	baseUrl: string,
	param: Record<string, unknown>,
	path = '/poll/query.do',
): Promise<Record<string, unknown>> {
	const reply = await postForm(baseUrl + path, kuaidi100Fields(param));
	return JSON.parse(reply.text) as Record<string, unknown>;
}

/** A KeyDelivery call: body sent as given (string) or JSON.stringify'd once, signed over exactly those bytes. */
export async function postKeyDelivery(
	baseUrl: string,
	path: string,
	body: Record<string, unknown> | string,
	options: { apiKey?: string; secret?: string; signature?: string; contentType?: string; method?: string; omit?: string[] } = {},
): Promise<RawReply> {
	const text = typeof body === 'string' ? body : JSON.stringify(body);
	const apiKey = options.apiKey ?? SANDBOX_KEYDELIVERY.apiKey;
	const secret = options.secret ?? SANDBOX_KEYDELIVERY.secret;
	const headers: Record<string, string> = {
		'Content-Type': options.contentType ?? 'application/json',
		'API-Key': apiKey,
		signature: options.signature ?? md5Hex(text + apiKey + secret),
	};
	for (const name of options.omit ?? []) delete headers[name];
	const method = options.method ?? 'POST';
	return await send(baseUrl + path, { method, headers, body: method === 'GET' ? undefined : text });
}

export interface ReceivedCall {
	method: string;
	url: string;
	headers: IncomingHttpHeaders;
	body: string;
}

/** A callback receiver standing in for the webhook trigger. */
export async function startReceiver(reply: { status: number; body: string } = { status: 200, body: '{"result":true,"returnCode":"200","message":"成功"}' }) {
	const received: ReceivedCall[] = [];
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
			res.writeHead(reply.status, { 'Content-Type': 'application/json' });
			res.end(reply.body);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		url,
		received,
		reply,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** The milestone table of the contract (tracking-event.md), written out independently of src/normalize. */
export const CONTRACT_MILESTONES: Record<string, string[]> = {
	info_received: ['101', '102'],
	picked_up: ['1', '103'],
	in_transit: ['0', '1001', '1002', '1003', '7'],
	customs: ['8', '10', '11', '12'],
	out_for_delivery: ['5'],
	available_for_pickup: ['501'],
	delivered: ['3', '301', '302', '303', '304'],
	exception: ['2', '201', '202', '203', '204', '205', '206', '207', '208', '209', '210', '13', '14'],
	returning: ['6'],
	returned: ['4'],
	cancelled: ['401'],
};

export function contractMilestone(code: string): string {
	for (const [milestone, codes] of Object.entries(CONTRACT_MILESTONES)) if (codes.includes(code)) return milestone;
	return 'unknown';
}
