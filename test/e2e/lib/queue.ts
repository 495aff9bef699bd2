/**
 * n8n queue mode for the e2e suite: a private redis-server (Debian's `redis-server`,
 * on a free 127.0.0.1 port, never the system service), a main process (`n8n start`),
 * webhook processes (`n8n webhook`) and a worker (`n8n worker`), all on one user
 * folder (one SQLite database: n8n warns that scaling mode is not officially
 * supported with SQLite, but 2.41.1 runs it; see docs/trigger-guarantees.md).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { freePort, type N8n } from './n8n';
import { spawnGuarded, tail, waitFor, type Spawned } from './processes';

export interface Redis {
	port: number;
	stop(): Promise<void>;
}

/** One RESP command over a plain socket: enough to PING and to read a counter. */
export async function redisCommand(port: number, ...argv: string[]): Promise<string> {
	return await new Promise((resolve, reject) => {
		const socket = net.connect(port, '127.0.0.1');
		let reply = '';
		socket.once('error', reject);
		socket.on('data', (chunk) => {
			reply += chunk.toString('utf8');
			// A bulk string ($<n>\r\n<data>\r\n) has two line ends, other replies one.
			const complete = reply.startsWith('$') && !reply.startsWith('$-1') ? reply.split('\r\n').length >= 3 : reply.endsWith('\r\n');
			if (complete) {
				socket.end();
				resolve(reply.trim());
			}
		});
		socket.write(`*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
	});
}

export async function startRedis(folder: string): Promise<Redis> {
	fs.mkdirSync(folder, { recursive: true });
	const port = await freePort();
	const server = spawnGuarded('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', folder], {
		cwd: folder,
	});
	await waitFor(
		'redis-server to answer PING',
		async () => {
			if (server.child.exitCode !== null) throw new Error(`redis-server exited:\n${tail(server.output(), 3000)}`);
			return (await redisCommand(port, 'PING').catch(() => '')) === '+PONG' ? true : undefined;
		},
		20_000,
	);
	return { port, stop: async () => await server.stop(5_000) };
}

interface Member {
	role: string;
	process: Spawned;
	port: number;
}

/** main + `webhooks` webhook processes + one worker, on the N8n's user folder and database. */
export class QueueCluster {
	private members: Member[] = [];

	constructor(
		readonly n8n: N8n,
		readonly redisPort: number,
	) {}

	/** Base URLs of the webhook processes, in start order. */
	webhookBaseUrls(): string[] {
		return this.members.filter((m) => m.role.startsWith('webhook')).map((m) => `http://127.0.0.1:${m.port}`);
	}

	/**
	 * Starts the main process, then the webhook processes and the worker; resolves when every
	 * webhook process serves `probePath` (a production webhook path) with something other than 404.
	 */
	async start(probePath: string, webhooks = 2, timeoutMs = 180_000): Promise<void> {
		const main = await this.spawn('main', 'start');
		await this.waitHealthy(main, timeoutMs);
		const others = await Promise.all([
			...Array.from({ length: webhooks }, async (_, i) => await this.spawn(`webhook${i + 1}`, 'webhook')),
			this.spawn('worker', 'worker'),
		]);
		const worker = others[others.length - 1];
		await Promise.all([
			...others.slice(0, -1).map(async (member) => {
				await this.waitHealthy(member, timeoutMs);
				await waitFor(
					`${member.role} to serve ${probePath}`,
					async () => {
						this.checkAlive(member);
						const response = await fetch(`http://127.0.0.1:${member.port}${probePath}`, { method: 'POST', body: '' });
						await response.text();
						return response.status !== 404 ? true : undefined;
					},
					timeoutMs,
					500,
				);
			}),
			waitFor(
				'the worker to be ready',
				() => {
					this.checkAlive(worker);
					return /worker is now ready/i.test(worker.process.output()) ? true : undefined;
				},
				timeoutMs,
			),
		]);
	}

	private async spawn(role: string, command: string): Promise<Member> {
		const port = await freePort();
		const extra: Record<string, string> = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(this.redisPort),
			N8N_PORT: String(port),
			QUEUE_HEALTH_CHECK_PORT: String(await freePort()),
			N8N_WEBHOOK_URL: `http://127.0.0.1:${port}/`,
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		};
		const process = spawnGuarded(this.n8n.install.n8nBin, [command], { cwd: this.n8n.userFolder, env: this.n8n.env(await this.n8n.brokerPort(extra)) });
		const member = { role, process, port };
		this.members.push(member);
		return member;
	}

	private checkAlive(member: Member): void {
		if (member.process.child.exitCode !== null) {
			throw new Error(`n8n ${member.role} exited with ${member.process.child.exitCode}:\n${tail(member.process.output(), 6000)}`);
		}
	}

	private async waitHealthy(member: Member, timeoutMs: number): Promise<void> {
		await waitFor(
			`n8n ${member.role} to serve /healthz`,
			async () => {
				this.checkAlive(member);
				const response = await fetch(`http://127.0.0.1:${member.port}/healthz`);
				return response.ok ? true : undefined;
			},
			timeoutMs,
		);
	}

	output(): string {
		return this.members.map((m) => `==== ${m.role}\n${tail(m.process.output(), 4000)}`).join('\n');
	}

	async stop(): Promise<void> {
		const members = this.members;
		this.members = [];
		await Promise.all(members.map(async (m) => await m.process.stop(10_000)));
		for (const m of members) fs.writeFileSync(path.join(this.n8n.userFolder, `n8n-${m.role}.log`), m.process.output());
	}
}
