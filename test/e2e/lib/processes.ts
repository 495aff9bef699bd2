import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from './paths';

/**
 * Every process the suite starts runs under scripts/e2e/watchdog.sh, as the leader
 * of its own process group. Stopping kills the whole group; if this test process
 * dies without stopping them, the watchdog notices and kills the group itself.
 */
const WATCHDOG = path.join(REPO_ROOT, 'scripts/e2e/watchdog.sh');

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		// already gone
	}
}

// Last resort on a normal exit of this process (a crash is the watchdog's job).
process.once('exit', () => {
	for (const child of running) killGroup(child, 'SIGKILL');
});

/**
 * This process's environment without what an enclosing `npm run` adds about the
 * repository (npm_package_*, npm_lifecycle_*, the local prefix): child npm and
 * n8n commands run in other folders and must not see the repository as theirs.
 * Registry and cache settings (npm_config_*) are kept.
 */
export function childEnv(): NodeJS.ProcessEnv {
	return Object.fromEntries(
		Object.entries(process.env).filter(
			([name]) => !/^(npm_package_|npm_lifecycle_|npm_config_local_prefix$|INIT_CWD$)/.test(name),
		),
	);
}

export interface Spawned {
	child: ChildProcess;
	/** Everything written to stdout and stderr so far, interleaved. */
	output(): string;
	exited: Promise<number | null>;
	/** TERM the group, wait for it, KILL it after `graceMs`. Safe to call twice. */
	stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	/** Called with every chunk of output, e.g. to watch for a log line. */
	onOutput?: (chunk: string) => void;
}

export function spawnGuarded(command: string, args: string[], options: SpawnOptions = {}): Spawned {
	const child = spawn('bash', [WATCHDOG, String(process.pid), command, ...args], {
		cwd: options.cwd,
		env: options.env ?? childEnv(),
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	running.add(child);
	let output = '';
	const onData = (data: Buffer) => {
		const text = data.toString('utf8');
		output += text;
		options.onOutput?.(text);
	};
	child.stdout?.on('data', onData);
	child.stderr?.on('data', onData);
	const exited = new Promise<number | null>((resolve) => {
		child.once('close', (code) => {
			running.delete(child);
			resolve(code);
		});
		child.once('error', (error) => {
			output += `\n[spawn error] ${error.message}\n`;
			running.delete(child);
			resolve(null);
		});
	});
	let stopping: Promise<void> | undefined;
	return {
		child,
		output: () => output,
		exited,
		stop(graceMs = 20_000) {
			stopping ??= (async () => {
				if (!running.has(child)) return;
				killGroup(child, 'SIGTERM');
				const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
				await exited;
				clearTimeout(timer);
				// The watchdog reaps its group; make sure nothing survived it.
				killGroup(child, 'SIGKILL');
			})();
			return stopping;
		},
	};
}

export interface RunResult {
	code: number | null;
	output: string;
	stdout: string;
	stderr: string;
	durationMs: number;
}

/** Runs a command to completion (guarded, with a time limit); never throws on a non-zero exit. */
export async function run(
	command: string,
	args: string[],
	options: SpawnOptions & { timeoutMs?: number } = {},
): Promise<RunResult> {
	const started = Date.now();
	const spawned = spawnGuarded(command, args, options);
	let stdout = '';
	let stderr = '';
	spawned.child.stdout?.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
	spawned.child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
	const timeoutMs = options.timeoutMs ?? 120_000;
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		void spawned.stop(2_000);
	}, timeoutMs);
	const code = await spawned.exited;
	clearTimeout(timer);
	await spawned.stop();
	if (timedOut) stderr += `\n[e2e] ${command} timed out after ${timeoutMs} ms\n`;
	return { code: timedOut ? null : code, output: spawned.output(), stdout, stderr, durationMs: Date.now() - started };
}

/** Like run(), but throws with the command's output when it fails. */
export async function runOk(
	command: string,
	args: string[],
	options: SpawnOptions & { timeoutMs?: number } = {},
): Promise<RunResult> {
	const result = await run(command, args, options);
	if (result.code !== 0) {
		throw new Error(
			`${command} ${args.join(' ')} failed with exit code ${result.code}:\n${tail(result.output, 6000)}`,
		);
	}
	return result;
}

export function tail(text: string, max: number): string {
	return text.length > max ? `…${text.slice(-max)}` : text;
}

export async function waitFor<T>(
	what: string,
	probe: () => Promise<T | undefined> | T | undefined,
	timeoutMs: number,
	intervalMs = 250,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	for (;;) {
		try {
			const value = await probe();
			if (value !== undefined) return value;
		} catch (error) {
			lastError = error;
		}
		if (Date.now() > deadline) {
			const why = lastError instanceof Error ? `: ${lastError.message}` : '';
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
		}
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}

