import type { EventEmitter } from 'node:events';

/** What the command line reads and writes; tests give their own. */
export interface CliIO {
	stdout: { write(text: string): unknown; isTTY?: boolean };
	stderr: { write(text: string): unknown; isTTY?: boolean };
	env: NodeJS.ProcessEnv;
	cwd: string;
	/** Source of SIGTERM / SIGINT; default the process. */
	signals: EventEmitter;
	now: () => Date;
}
