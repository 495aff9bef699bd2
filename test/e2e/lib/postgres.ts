/**
 * A throw-away PostgreSQL for the e2e suite (Debian's `postgresql`): a cluster
 * initdb'd in a temp folder, started on a free 127.0.0.1 port (no Unix socket, never
 * the system cluster), one database with a password login, all removed on stop.
 * initdb and postgres refuse to run as root: as root they run as the `postgres`
 * user the Debian package creates (`runuser -u postgres`).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './n8n';
import { childEnv, runOk, spawnGuarded, tail, waitFor } from './processes';

export interface PostgresConnection {
	host: string;
	port: number;
	database: string;
	user: string;
	password: string;
}

export interface Postgres extends PostgresConnection {
	/** The server's log so far. */
	output(): string;
	stop(): Promise<void>;
}

/** The newest PostgreSQL server programs: Debian keeps them in /usr/lib/postgresql/<major>/bin, off PATH. */
export function postgresBinDir(): string {
	const root = '/usr/lib/postgresql';
	const majors = fs.existsSync(root) ? fs.readdirSync(root).filter((name) => /^\d+$/.test(name)) : [];
	const found = majors
		.sort((a, b) => Number(b) - Number(a))
		.map((major) => path.join(root, major, 'bin'))
		.find((dir) => fs.existsSync(path.join(dir, 'initdb')));
	if (!found) throw new Error(`no PostgreSQL server under ${root}: install Debian's postgresql (apt-get install postgresql)`);
	return found;
}

const asRoot = () => process.getuid?.() === 0;

/** The command line that runs a server program as a user PostgreSQL accepts. */
function asServerUser(program: string, args: string[]): [string, string[]] {
	return asRoot() ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
}

/** psql's environment: the password, and nothing of an outer PG* setting. */
function psqlEnv(connection: PostgresConnection): NodeJS.ProcessEnv {
	const env = Object.fromEntries(Object.entries(childEnv()).filter(([name]) => !name.startsWith('PG')));
	return { ...env, PGPASSWORD: connection.password, PGCONNECT_TIMEOUT: '10' };
}

function psqlArgs(connection: PostgresConnection, database: string, sql: string): string[] {
	return ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-h', connection.host, '-p', String(connection.port), '-U', connection.user, '-d', database, '-c', sql];
}

/** Runs one SQL text with psql; returns its unaligned output. */
export function psql(connection: PostgresConnection, sql: string, database = connection.database): string {
	return execFileSync(path.join(postgresBinDir(), 'psql'), psqlArgs(connection, database, sql), {
		env: psqlEnv(connection),
		// Errors come back in the exception (e.g. "connection refused" while the server starts), not on the test's stderr.
		stdio: ['ignore', 'pipe', 'pipe'],
		maxBuffer: 256 * 1024 * 1024,
		timeout: 60_000,
		encoding: 'utf8',
	});
}

export async function startPostgres(database = 'n8n'): Promise<Postgres> {
	const bin = postgresBinDir();
	// Its own folder under the world-traversable temp dir: the postgres user must reach it.
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-postgres-'));
	const data = path.join(folder, 'data');
	const connection: PostgresConnection = { host: '127.0.0.1', port: await freePort(), database, user: 'n8n', password: `e2e-${process.pid}-not-secret` };
	const passwordFile = path.join(folder, 'password');
	fs.writeFileSync(passwordFile, `${connection.password}\n`, { mode: 0o600 });
	if (asRoot()) {
		const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
		const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
		for (const file of [folder, passwordFile]) fs.chownSync(file, uid, gid);
	}
	const remove = () => {
		if (!process.env.E2E_KEEP) fs.rmSync(folder, { recursive: true, force: true });
	};

	try {
		const initdb = asServerUser(path.join(bin, 'initdb'), [
			'-D', data, '-U', connection.user, `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync',
		]);
		await runOk(initdb[0], initdb[1], { cwd: folder, timeoutMs: 120_000 });
	} catch (error) {
		remove();
		throw error;
	}
	const [command, args] = asServerUser(path.join(bin, 'postgres'), [
		'-D', data, '-p', String(connection.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=',
	]);
	const server = spawnGuarded(command, args, { cwd: folder });
	const stop = async () => {
		await server.stop(20_000);
		remove();
	};
	try {
		await waitFor(
			'PostgreSQL to accept connections',
			() => {
				if (server.child.exitCode !== null) throw new Error(`postgres exited with ${server.child.exitCode}:\n${tail(server.output(), 3000)}`);
				return psql(connection, 'SELECT 1', 'postgres').trim() === '1' ? true : undefined;
			},
			60_000,
			500,
		);
		psql(connection, `CREATE DATABASE ${database}`, 'postgres');
	} catch (error) {
		await stop();
		throw new Error(`${(error as Error).message}\n${tail(server.output(), 3000)}`);
	}
	return { ...connection, output: () => server.output(), stop };
}

/** n8n's settings for this database. */
export function n8nPostgresEnv(connection: PostgresConnection): Record<string, string> {
	return {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: connection.host,
		DB_POSTGRESDB_PORT: String(connection.port),
		DB_POSTGRESDB_DATABASE: connection.database,
		DB_POSTGRESDB_USER: connection.user,
		DB_POSTGRESDB_PASSWORD: connection.password,
	};
}
