import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { postgresBinDir, type PostgresConnection } from './postgres';

const execFileAsync = promisify(execFile);

/**
 * Reads n8n's own records from its database, SQLite (the sqlite3 CLI) or PostgreSQL
 * (psql), with read-only queries that are safe while n8n runs. Queries quote n8n's
 * camelCase column names ("workflowId"), which both dialects accept.
 *
 * n8n 1.123 keeps an execution in two tables:
 *   execution_entity (id, workflowId, mode, status, finished, startedAt, stoppedAt, ...)
 *   execution_data   (executionId, workflowData JSON, data TEXT)
 * where `data` is the run data (IRunExecutionData) serialized with the `flatted`
 * library (JSON with shared references), parsed here by parseFlatted().
 */
export class N8nDatabase {
	/** A SQLite file, or a PostgreSQL database. */
	constructor(readonly location: string | PostgresConnection) {}

	get file(): string {
		const where = this.location;
		return typeof where === 'string' ? where : `postgresql://${where.user}@${where.host}:${where.port}/${where.database}`;
	}

	async query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
		const where = this.location;
		if (typeof where === 'string') {
			const { stdout } = await execFileAsync('sqlite3', ['-json', '-cmd', '.timeout 10000', where, sql], {
				maxBuffer: 256 * 1024 * 1024,
				timeout: 60_000,
			});
			const text = stdout.trim();
			return text ? (JSON.parse(text) as T[]) : [];
		}
		// The rows as one JSON array, like sqlite3 -json.
		const { stdout } = await execFileAsync(
			path.join(postgresBinDir(), 'psql'),
			['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-h', where.host, '-p', String(where.port), '-U', where.user, '-d', where.database, '-c', `SELECT coalesce(json_agg(q), '[]') FROM (${sql}) q`],
			{ env: { ...process.env, PGPASSWORD: where.password }, maxBuffer: 256 * 1024 * 1024, timeout: 60_000 },
		);
		return JSON.parse(stdout.trim() || '[]') as T[];
	}

	async executions(workflowId: string): Promise<ExecutionRow[]> {
		return this.query<ExecutionRow>(
			`SELECT id, "workflowId", mode, status, finished, "startedAt", "stoppedAt" FROM execution_entity ` +
				`WHERE "workflowId" = ${sqlText(workflowId)} ORDER BY id`,
		);
	}

	/** The execution's row and its parsed run data. */
	async execution(id: string | number): Promise<Execution> {
		const rows = await this.query<ExecutionRow & { data: string | null }>(
			`SELECT e.id, e."workflowId", e.mode, e.status, e.finished, e."startedAt", e."stoppedAt", d.data ` +
				`FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id WHERE e.id = ${Number(id)}`,
		);
		if (rows.length === 0) throw new Error(`no execution ${id} in ${this.file}`);
		const { data, ...row } = rows[0];
		return new Execution(row, data ? (parseRunData(data) as RunData) : undefined);
	}

	/** Every execution of a workflow with its run data as stored (flatted text; null if none yet). */
	async executionsWithData(workflowId: string): Promise<Array<ExecutionRow & { data: string | null }>> {
		return this.query<ExecutionRow & { data: string | null }>(
			`SELECT e.id, e."workflowId", e.mode, e.status, e.finished, e."startedAt", e."stoppedAt", d.data ` +
				`FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id ` +
				`WHERE e."workflowId" = ${sqlText(workflowId)} ORDER BY e.id`,
		);
	}
}

export interface ExecutionRow {
	id: number;
	workflowId: string;
	mode: string;
	status: string;
	/** 0/1 in SQLite, a boolean in PostgreSQL. */
	finished: number | boolean;
	startedAt: string;
	stoppedAt: string | null;
}

interface NodeRun {
	executionStatus?: string;
	error?: Record<string, unknown>;
	data?: { main?: Array<Array<{ json: Record<string, unknown> }> | null> };
}

interface RunData {
	resultData?: {
		error?: Record<string, unknown>;
		runData?: Record<string, NodeRun[]>;
		lastNodeExecuted?: string;
	};
}

export class Execution {
	constructor(
		readonly row: ExecutionRow,
		readonly data: RunData | undefined,
	) {}

	get status(): string {
		return this.row.status;
	}

	/** Names of the nodes that ran. */
	nodesRun(): string[] {
		return Object.keys(this.data?.resultData?.runData ?? {});
	}

	/** The JSON of the items a node put on one output, in its last (or given) run. */
	items(nodeName: string, output = 0, runIndex?: number): Array<Record<string, unknown>> {
		const runs = this.data?.resultData?.runData?.[nodeName];
		if (!runs || runs.length === 0) {
			throw new Error(`node "${nodeName}" did not run; nodes that ran: ${this.nodesRun().join(', ') || 'none'}`);
		}
		const run = runs[runIndex ?? runs.length - 1];
		return (run.data?.main?.[output] ?? []).map((item) => item.json);
	}

	/** The execution-level error, or the first node error, flattened into one searchable text. */
	errorText(): string {
		const parts: unknown[] = [];
		const top = this.data?.resultData?.error;
		if (top) parts.push(top);
		for (const runs of Object.values(this.data?.resultData?.runData ?? {})) {
			for (const run of runs) if (run.error) parts.push(run.error);
		}
		return parts.map((part) => JSON.stringify(part)).join('\n');
	}

	error(): Record<string, unknown> | undefined {
		return this.data?.resultData?.error;
	}
}

function sqlText(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}

/** n8n stores run data with `flatted`; older rows or other versions may hold plain JSON. */
export function parseRunData(text: string): unknown {
	const parsed: unknown = JSON.parse(text);
	return Array.isArray(parsed) ? parseFlatted(parsed) : parsed;
}

/**
 * Decodes the `flatted` format: a JSON array whose first entry is the root; every
 * object and string is stored once as an entry, and inside objects and arrays a
 * string is the index (in decimal) of the entry it stands for. Numbers, booleans
 * and null stay inline. Cycles and shared references are preserved.
 */
export function parseFlatted(entries: unknown[]): unknown {
	const revived = new Map<number, unknown>();
	const revive = (index: number): unknown => {
		if (revived.has(index)) return revived.get(index);
		const raw = entries[index];
		if (raw === null || typeof raw !== 'object') {
			revived.set(index, raw);
			return raw;
		}
		const out: Record<string, unknown> | unknown[] = Array.isArray(raw) ? [] : {};
		revived.set(index, out);
		for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
			(out as Record<string, unknown>)[key] = typeof value === 'string' ? revive(Number(value)) : value;
		}
		return out;
	};
	return revive(0);
}
