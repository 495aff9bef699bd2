import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { N8nDatabase, type Execution, type ExecutionRow } from './db';
import type { N8nInstall } from './install';
import { n8nPostgresEnv, type PostgresConnection } from './postgres';
import { childEnv, run, runOk, spawnGuarded, tail, waitFor, type RunResult, type Spawned } from './processes';

export interface CredentialFixture {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export interface WorkflowFixture {
	id: string;
	name: string;
	nodes: Array<Record<string, unknown>>;
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	active?: boolean;
	[key: string]: unknown;
}

export interface N8nOptions {
	/** Run on this PostgreSQL database instead of the SQLite file in the user folder. */
	postgres?: PostgresConnection;
	/** Environment for every command of this n8n, over the suite's defaults; undefined removes a default. */
	env?: Record<string, string | undefined>;
}

/**
 * One throw-away n8n: its own user folder (database, settings, community nodes),
 * run with the cached Node 22 and n8n. CLI commands and `n8n start` must not
 * overlap: they share the SQLite database.
 */
export class N8n {
	readonly n8nFolder: string;
	readonly db: N8nDatabase;
	private server: Spawned | undefined;
	port = 0;

	constructor(
		readonly install: N8nInstall,
		readonly userFolder: string,
		readonly options: N8nOptions = {},
	) {
		this.n8nFolder = path.join(userFolder, '.n8n');
		fs.mkdirSync(this.n8nFolder, { recursive: true });
		this.db = new N8nDatabase(options.postgres ?? path.join(this.n8nFolder, 'database.sqlite'));
	}

	/** The environment every n8n command runs with; nothing N8N_* is inherited. */
	env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
		const inherited = Object.fromEntries(
			Object.entries(childEnv()).filter(([name]) => !/^(N8N_|DB_|EXECUTIONS_|WEBHOOK_URL|GENERIC_TIMEZONE|QUEUE_|NODE_OPTIONS|VITEST|NODE_ENV)/.test(name)),
		);
		const env: NodeJS.ProcessEnv = {
			...inherited,
			PATH: `${this.install.nodeBinDir}${path.delimiter}${process.env.PATH ?? ''}`,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: 'e2e-encryption-key-not-secret',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_RUNNERS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_PUBLIC_API_DISABLED: 'true',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_LOG_LEVEL: 'info',
			// Nothing is left running at the end of a case; do not wait 30 s on stop.
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
			N8N_LOG_OUTPUT: 'console',
			DB_SQLITE_POOL_SIZE: '2',
			// Keep every execution with its data, whatever n8n's defaults become.
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
			EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
			GENERIC_TIMEZONE: 'Asia/Shanghai',
			TZ: 'Asia/Shanghai',
			...(this.options.postgres ? n8nPostgresEnv(this.options.postgres) : {}),
			...this.options.env,
			...extra,
		};
		for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
		return env;
	}

	async cli(args: string[], timeoutMs = 120_000): Promise<RunResult> {
		if (this.server) throw new Error('n8n CLI commands must not run while n8n start is running');
		return run(this.install.n8nBin, args, { env: this.env(await this.brokerPort()), cwd: this.userFolder, timeoutMs });
	}

	/**
	 * n8n 2.x starts a task broker (default port 5679) in every process, even with
	 * runners off: each process gets a free port of its own so that parallel suites,
	 * webhook processes and workers do not collide.
	 */
	async brokerPort(extra: Record<string, string> = {}): Promise<Record<string, string>> {
		return { N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...extra };
	}

	async cliOk(args: string[], timeoutMs = 120_000): Promise<RunResult> {
		const result = await this.cli(args, timeoutMs);
		if (result.code !== 0) throw new Error(`n8n ${args.join(' ')} exited with ${result.code}:\n${tail(result.output, 6000)}`);
		return result;
	}

	/**
	 * Installs a packed community package the way n8n itself does: into
	 * <user folder>/.n8n/nodes, with --legacy-peer-deps (n8n provides n8n-workflow).
	 */
	async installPackage(tarball: string): Promise<RunResult> {
		const nodesDir = path.join(this.n8nFolder, 'nodes');
		fs.mkdirSync(nodesDir, { recursive: true });
		fs.writeFileSync(
			path.join(nodesDir, 'package.json'),
			JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2),
		);
		return runOk('npm', ['install', tarball, '--legacy-peer-deps', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
			cwd: nodesDir,
			env: { ...this.env(), npm_config_legacy_peer_deps: 'true' },
			timeoutMs: 10 * 60_000,
		});
	}

	async importCredentials(credentials: CredentialFixture[]): Promise<void> {
		const file = path.join(this.userFolder, `credentials-${Date.now()}.json`);
		fs.writeFileSync(file, JSON.stringify(credentials, null, 2));
		await this.cliOk(['import:credentials', `--input=${file}`]);
	}

	async importWorkflows(workflows: WorkflowFixture[]): Promise<void> {
		const file = path.join(this.userFolder, `workflows-${Date.now()}.json`);
		fs.writeFileSync(file, JSON.stringify(workflows, null, 2));
		await this.cliOk(['import:workflow', `--input=${file}`]);
	}

	/** Activates a workflow for the next `n8n start`: 1.x `update:workflow --active`, 2.x `publish:workflow`. */
	async activate(workflowId: string): Promise<void> {
		await this.cliOk(this.install.line === 1 ? ['update:workflow', `--id=${workflowId}`, '--active=true'] : ['publish:workflow', `--id=${workflowId}`]);
	}

	/**
	 * `n8n execute --id`: runs the workflow from its manual trigger, then returns n8n's
	 * own record of that execution (the newest one of the workflow in the database).
	 */
	async execute(workflowId: string): Promise<{ cli: RunResult; execution: Execution }> {
		const before = new Set((await this.db.executions(workflowId)).map((row) => row.id));
		const cli = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], 180_000);
		const rows = (await this.db.executions(workflowId)).filter((row) => !before.has(row.id));
		if (rows.length !== 1) {
			throw new Error(
				`expected one new execution of workflow ${workflowId}, found ${rows.length}; n8n said:\n${tail(cli.output, 6000)}`,
			);
		}
		return { cli, execution: await this.db.execution(rows[0].id) };
	}

	/**
	 * Picks the port `n8n start` will listen on, early: webhook URLs given to the
	 * services (Subscribe, Create Tracking) during the CLI phase must already be right.
	 */
	async reservePort(): Promise<number> {
		this.port ||= await freePort();
		return this.port;
	}

	/** `n8n start` on 127.0.0.1 (the reserved port); resolves once the given workflows are active. */
	async start(activeWorkflowIds: string[], timeoutMs = 120_000): Promise<void> {
		if (this.server) throw new Error('n8n is already running');
		await this.reservePort();
		const baseUrl = `http://127.0.0.1:${this.port}`;
		const server = spawnGuarded(this.install.n8nBin, ['start'], {
			cwd: this.userFolder,
			env: this.env(
				await this.brokerPort({
					N8N_PORT: String(this.port),
					WEBHOOK_URL: `${baseUrl}/`,
					N8N_WEBHOOK_URL: `${baseUrl}/`,
					// 2.x logs workflow activation only at debug level.
					...(this.install.line === 2 ? { N8N_LOG_LEVEL: 'debug' } : {}),
				}),
			),
		});
		this.server = server;
		let exitCode: number | null | undefined;
		void server.exited.then((code) => (exitCode = code));
		try {
			await waitFor(
				'n8n start to serve /healthz',
				async () => {
					if (exitCode !== undefined) throw new Error(`n8n exited with ${exitCode}:\n${tail(server.output(), 6000)}`);
					const response = await fetch(`${baseUrl}/healthz`);
					return response.ok ? true : undefined;
				},
				timeoutMs,
			);
			// /healthz answers before active workflows are registered: wait for the log.
			await waitFor(
				`activation of workflows ${activeWorkflowIds.join(', ')}`,
				() => {
					if (exitCode !== undefined) throw new Error(`n8n exited with ${exitCode}:\n${tail(server.output(), 6000)}`);
					const log = server.output();
					if (/There was a problem activating/i.test(log)) {
						throw new Error(`n8n could not activate a workflow:\n${tail(log, 6000)}`);
					}
					if (this.install.line === 1) return activeWorkflowIds.every((id) => activated(log, id)) ? true : undefined;
					return this.webhooksLive(log, activeWorkflowIds);
				},
				timeoutMs,
			);
		} catch (error) {
			await this.stop();
			throw error;
		}
	}

	/**
	 * n8n 2.x serves production webhooks from its webhook table once the server is up:
	 * after a restart the rows are there already; after `publish:workflow` they are
	 * added by the publication queue, which runs right after start-up.
	 */
	private async webhooksLive(log: string, workflowIds: string[]): Promise<true | undefined> {
		if (!/Editor is now accessible/.test(log)) return undefined;
		for (const id of workflowIds) {
			const [workflow] = await this.db.query<{ nodes: string }>(`SELECT nodes FROM workflow_entity WHERE id = '${id}'`);
			if (!workflow || !workflow.nodes.includes('"webhookId"')) continue; // no webhook to wait for
			const [row] = await this.db.query<{ count: number }>(`SELECT count(*) AS count FROM webhook_entity WHERE "workflowId" = '${id}'`);
			if (!row || row.count === 0) return undefined;
		}
		return true;
	}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	serverOutput(): string {
		return this.server?.output() ?? '';
	}

	async stop(): Promise<void> {
		const server = this.server;
		this.server = undefined;
		await server?.stop();
		// Kept with the user folder when E2E_KEEP is set.
		if (server) fs.writeFileSync(path.join(this.userFolder, 'n8n-start.log'), server.output());
	}

	/** Waits until the workflow has `count` executions that are no longer running, and returns them. */
	async waitForExecutions(workflowId: string, count: number, timeoutMs = 30_000): Promise<ExecutionRow[]> {
		return waitFor(
			`${count} finished execution(s) of workflow ${workflowId}`,
			async () => {
				const rows = await this.db.executions(workflowId);
				const done = rows.filter((row) => !['new', 'running', 'waiting'].includes(row.status));
				return done.length >= count && done.length === rows.length ? rows : undefined;
			},
			timeoutMs,
		);
	}
}

/** n8n 1.x logs `Activated workflow "<name>" (ID: <id>)` once per active workflow. */
function activated(log: string, workflowId: string): boolean {
	return new RegExp(`Activated workflow .*\\(ID: ${workflowId}\\)`).test(log) || new RegExp(`ID: ${workflowId}\\)[\\s\\S]*?=> Started`).test(log);
}

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}
