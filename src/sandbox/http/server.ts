/**
 * The small server under every fake: one HTTP server per fake service on a random
 * port of 127.0.0.1. It records each request, applies scripted faults and delays,
 * routes by path to the service's handlers and writes the reply. Closing answers
 * nothing more: waiting requests are let go without a reply or side effect.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RecordedRequest, SandboxProvider } from '../types';
import { faultReply, type FaultQueue, type FaultReplies } from './faults';
import { notFoundPage, type Reply } from './reply';
import { readRequest, type SandboxRequest } from './request';

export type Handler = (request: SandboxRequest) => Reply;

/** One fake service: the paths it answers, and how its provider answers faults. */
export interface FakeService {
	/** Requests are recorded under, and faults taken from, this provider. */
	provider: SandboxProvider;
	routes: Readonly<Record<string, Handler>>;
	faultReplies: FaultReplies;
}

export interface SandboxServerOptions {
	now: () => Date;
	/** Delay added before every reply. */
	replyDelayMs: number;
	faults: FaultQueue;
	/** Every request received is appended here, in order. */
	requests: RecordedRequest[];
}

interface PendingDelay {
	timer: NodeJS.Timeout;
	resolve: () => void;
}

export class SandboxServer {
	private readonly servers: Server[] = [];
	private readonly delays = new Set<PendingDelay>();
	private closed = false;

	constructor(private readonly options: SandboxServerOptions) {}

	/** Starts serving `service`; resolves with its base URL. */
	async listen(service: FakeService): Promise<string> {
		const server = createServer((req, res) => {
			this.handle(service, req, res).catch((error: unknown) => answerCrash(res, error));
		});
		this.servers.push(server);
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => resolve());
		});
		return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		for (const delay of this.delays) {
			clearTimeout(delay.timer);
			delay.resolve();
		}
		this.delays.clear();
		await Promise.all(this.servers.map(async (server) => await closeServer(server)));
	}

	private async handle(service: FakeService, req: IncomingMessage, res: ServerResponse): Promise<void> {
		const request = await readRequest(req);
		this.record(service.provider, request);
		const fault = this.options.faults.take(service.provider, request.path);
		const delayMs = this.options.replyDelayMs + (fault?.delayMs ?? 0);
		if (delayMs > 0) await this.wait(delayMs);
		// The client gave up (timeout) or the sandbox closed: no reply and no side effects.
		if (this.closed || req.socket.destroyed || res.destroyed) return;
		if (fault?.reset) {
			req.socket.destroy();
			return;
		}
		const reply = (fault && faultReply(fault, request.path, service.faultReplies)) ?? route(service, request);
		res.writeHead(reply.status, { 'Content-Type': reply.contentType, 'Content-Length': Buffer.byteLength(reply.body) });
		res.end(reply.body);
	}

	private record(provider: SandboxProvider, request: SandboxRequest): void {
		this.options.requests.push({
			provider,
			path: request.path,
			method: request.method,
			headers: request.headers,
			rawBody: request.body.toString('utf8'),
			query: request.query,
			receivedAt: this.options.now().toISOString(),
		});
	}

	/** A delay that close() cuts short. */
	private async wait(ms: number): Promise<void> {
		await new Promise<void>((resolve) => {
			const delay: PendingDelay = {
				timer: setTimeout(() => {
					this.delays.delete(delay);
					resolve();
				}, ms),
				resolve,
			};
			this.delays.add(delay);
		});
	}
}

function route(service: FakeService, request: SandboxRequest): Reply {
	return Object.hasOwn(service.routes, request.path) ? service.routes[request.path](request) : notFoundPage();
}

function answerCrash(res: ServerResponse, error: unknown): void {
	if (res.headersSent || res.destroyed) return;
	res.writeHead(500, { 'Content-Type': 'text/plain' });
	res.end(`sandbox error: ${(error as Error)?.message ?? String(error)}`);
}

async function closeServer(server: Server): Promise<void> {
	await new Promise<void>((resolve) => {
		server.close(() => resolve());
		server.closeAllConnections();
	});
}
