import * as fs from 'node:fs';
import type { Execution } from './db';
import { freePort, type N8n } from './n8n';
import { run, tail, type RunResult } from './processes';

/**
 * Moves a real n8n's clock: libfaketime (Debian package `libfaketime`) preloaded into
 * the n8n process shifts the wall clock by a fixed offset, so a run "an hour later"
 * needs no hour. Timers (monotonic clock) are left alone.
 */
const LIBFAKETIME = [
	'/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1',
	'/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1',
	'/usr/lib/faketime/libfaketime.so.1',
	'/usr/local/lib/faketime/libfaketime.so.1',
];

export function libfaketime(): string {
	const found = LIBFAKETIME.find((file) => fs.existsSync(file));
	if (!found) {
		throw new Error(`libfaketime not found (looked in ${LIBFAKETIME.join(', ')}); install it: apt-get install -y libfaketime`);
	}
	return found;
}

/** Environment that runs a process `minutes` ahead of the real clock. */
export function clockAheadEnv(minutes: number): Record<string, string> {
	return {
		LD_PRELOAD: libfaketime(),
		FAKETIME: `${minutes >= 0 ? '+' : ''}${minutes}m`,
		FAKETIME_DONT_FAKE_MONOTONIC: '1',
		FAKETIME_DONT_RESET: '1',
	};
}

/**
 * `n8n execute --id` (a fresh n8n process, as after a restart) with the clock
 * `minutes` ahead; returns n8n's own record of the new execution.
 */
export async function executeAhead(n8n: N8n, workflowId: string, minutes: number): Promise<{ cli: RunResult; execution: Execution }> {
	const before = new Set((await n8n.db.executions(workflowId)).map((row) => row.id));
	const env = n8n.env({ N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...clockAheadEnv(minutes) });
	const cli = await run(n8n.install.n8nBin, ['execute', `--id=${workflowId}`, '--rawOutput'], { env, cwd: n8n.userFolder, timeoutMs: 180_000 });
	const rows = (await n8n.db.executions(workflowId)).filter((row) => !before.has(row.id));
	if (rows.length !== 1) {
		throw new Error(`expected one new execution of workflow ${workflowId}, found ${rows.length}; n8n said:\n${tail(cli.output, 6000)}`);
	}
	return { cli, execution: await n8n.db.execution(rows[0].id) };
}
