/**
 * HTTP plumbing for `runWebhook`: what n8n's express app does to a webhook request before
 * and after a node's `webhook()` runs. express is not installed here (n8n-core only has its
 * types as a devDependency), so requests are served by node:http and given the small part
 * of the express Request/Response API that webhook code uses.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES, request as httpRequest } from 'node:http';
import { parse as parseQueryString, type ParsedUrlQuery } from 'node:querystring';
import type { Readable } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import { parseIncomingMessage } from 'n8n-core';
import type { IDataObject } from 'n8n-workflow';

import { loadCoreDependency, workflowRuntime } from './runtime';

/** The express Request members n8n and webhook nodes read. */
export interface HarnessRequest extends IncomingMessage {
	body?: unknown;
	query: ParsedUrlQuery;
	params: Record<string, string>;
	path: string;
	originalUrl: string;
	hostname: string;
	ip: string | undefined;
	get(name: string): string | string[] | undefined;
	header(name: string): string | string[] | undefined;
}

/** The express Response members webhook nodes use to answer by themselves. */
export interface HarnessResponse extends ServerResponse {
	status(code: number): this;
	set(field: string | Record<string, string>, value?: string): this;
	header(field: string | Record<string, string>, value?: string): this;
	type(contentType: string): this;
	json(body: unknown): this;
	send(body?: unknown): this;
	sendStatus(code: number): this;
}

export function toHarnessRequest(req: IncomingMessage): HarnessRequest {
	const url = new URL(req.url ?? '/', 'http://127.0.0.1');
	const r = req as HarnessRequest;
	r.originalUrl = req.url ?? '/';
	r.path = url.pathname;
	// express 5's default "simple" query parser is node:querystring.
	r.query = parseQueryString(url.search.slice(1));
	// n8n's LiveWebhooks resets params to {} for non-dynamic webhook paths.
	r.params = {};
	r.hostname = (req.headers.host ?? '127.0.0.1').replace(/:\d+$/, '');
	r.ip = req.socket.remoteAddress;
	r.get = r.header = (name: string) => req.headers[name.toLowerCase()];
	return r;
}

export function toHarnessResponse(res: ServerResponse): HarnessResponse {
	const r = res as HarnessResponse;
	r.status = (code) => {
		r.statusCode = code;
		return r;
	};
	r.set = r.header = (field, value) => {
		if (typeof field === 'string') r.setHeader(field, value ?? '');
		else for (const [k, v] of Object.entries(field)) r.setHeader(k, v);
		return r;
	};
	r.type = (contentType) => r.set('Content-Type', contentType);
	r.json = (body) => {
		if (!r.hasHeader('Content-Type')) r.setHeader('Content-Type', 'application/json; charset=utf-8');
		return r.send(JSON.stringify(body));
	};
	r.send = (body) => {
		if (body !== undefined && body !== null && typeof body === 'object' && !Buffer.isBuffer(body)) {
			return r.json(body);
		}
		if (typeof body === 'number' || typeof body === 'boolean') return r.json(body);
		if (!r.hasHeader('Content-Type') && body !== undefined && body !== null) {
			r.setHeader(
				'Content-Type',
				Buffer.isBuffer(body) ? 'application/octet-stream' : 'text/html; charset=utf-8',
			);
		}
		r.end(body ?? undefined);
		return r;
	};
	r.sendStatus = (code) => r.status(code).type('text/plain; charset=utf-8').send(STATUS_CODES[code] ?? String(code));
	return r;
}

/**
 * n8n's `rawBodyReader` middleware: sets contentType/encoding via n8n-core's own
 * `parseIncomingMessage` and installs a lazy, gzip/deflate-aware `readRawBody`.
 */
export function installRawBodyReader(req: IncomingMessage): void {
	parseIncomingMessage(req);
	req.readRawBody = async () => {
		if (req.rawBody) return;
		let stream: Readable = req;
		const contentEncoding = req.headers['content-encoding'];
		if (contentEncoding === 'gzip') stream = req.pipe(createGunzip());
		else if (contentEncoding === 'deflate') stream = req.pipe(createInflate());
		const chunks: Buffer[] = [];
		for await (const chunk of stream) chunks.push(chunk as Buffer);
		req.rawBody = Buffer.concat(chunks);
		req._body = true;
	};
}

interface XmlParser {
	parseStringPromise(xml: string): Promise<unknown>;
}
interface Xml2js {
	Parser: new (options: object) => XmlParser;
}
let xmlParser: XmlParser | undefined;

/** Thrown where n8n throws UnprocessableRequestError (answered with 422). */
export class BodyParseError extends Error {}

/**
 * n8n's `parseBody` (packages/cli/src/middlewares/body-parser.ts, 1.x): JSON, XML,
 * urlencoded and text bodies become `req.body`; the bytes stay in `req.rawBody`.
 * Other content types leave `req.body` undefined, and multipart is not parsed here
 * (n8n hands it to formidable, which is not installed).
 */
export async function parseBody(req: HarnessRequest): Promise<void> {
	if (req.contentType?.startsWith('multipart/')) return;
	await req.readRawBody();
	const { rawBody, contentType, encoding } = req;
	if (!rawBody?.length) return;
	try {
		if (contentType === 'application/json') {
			req.body = workflowRuntime.jsonParse(rawBody.toString(encoding));
		} else if (contentType?.endsWith('/xml') || contentType?.endsWith('+xml')) {
			xmlParser ??= new (loadCoreDependency<Xml2js>('xml2js').Parser)({
				async: true,
				normalize: true,
				normalizeTags: true,
				explicitArray: false,
			});
			req.body = await xmlParser.parseStringPromise(rawBody.toString(encoding));
		} else if (contentType === 'application/x-www-form-urlencoded') {
			req.body = parseQueryString(rawBody.toString(encoding), undefined, undefined, { maxKeys: 1000 });
		} else if (contentType === 'text/plain') {
			req.body = rawBody.toString(encoding);
		}
	} catch (error) {
		throw new BodyParseError(error instanceof Error ? error.message : String(error));
	}
}

export interface HttpInit {
	headers?: Record<string, string>;
	/** string/Buffer are sent as-is; anything else is sent as JSON. */
	body?: string | Buffer | IDataObject | unknown[];
}

export interface RawHttpResult {
	status: number;
	headers: IncomingHttpHeaders;
	bodyText: string;
	/** Our socket's local port == the server's `req.socket.remotePort`, to pair the two ends. */
	localPort: number;
}

/** A plain node:http client call, one fresh socket per request. */
export async function sendHttp(method: string, url: string, init: HttpInit = {}): Promise<RawHttpResult> {
	const headers: Record<string, string> = { ...init.headers };
	let payload: string | Buffer | undefined;
	if (typeof init.body === 'string' || Buffer.isBuffer(init.body)) {
		payload = init.body;
	} else if (init.body !== undefined) {
		payload = JSON.stringify(init.body);
		if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
			headers['content-type'] = 'application/json';
		}
	}
	if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
	return await new Promise<RawHttpResult>((resolve, reject) => {
		const req = httpRequest(url, { method, headers, agent: false }, (res) => {
			const localPort = res.socket.localPort ?? 0;
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('error', reject);
			res.on('end', () =>
				resolve({
					status: res.statusCode ?? 0,
					headers: res.headers,
					bodyText: Buffer.concat(chunks).toString('utf8'),
					localPort,
				}),
			);
		});
		req.on('error', reject);
		req.end(payload);
	});
}
