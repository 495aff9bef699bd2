/**
 * Errors of the exporter, each with the process exit code it maps to.
 * Exit codes are part of the command's documented interface (EXIT_CODE_HELP, README).
 */
export const EXIT = {
	/** The run completed (per-shipment failures and bad rows are reported, not fatal). */
	OK: 0,
	/** The run failed (storage or unexpected error); nothing was committed, a rerun is safe. */
	FAILED: 1,
	/** Bad usage or configuration (unknown option, missing credential, unreadable shipment list, preflight). */
	CONFIG: 2,
	/** A fatal account error (bad signature or key, no quota, blocked account); nothing was committed. */
	FATAL_ACCOUNT: 3,
	/** Only with --strict: the run completed, but some shipments failed, some rows were bad or the list was empty. */
	PARTIAL: 4,
	/** Interrupted by a second SIGINT / SIGTERM; nothing was committed. */
	INTERRUPTED_SIGINT: 130,
	INTERRUPTED_SIGTERM: 143,
} as const;

/** The one table of exit codes as the command documents them (--help, README). */
export const EXIT_CODE_HELP: ReadonlyArray<readonly [codes: string, meaning: string]> = [
	[`${EXIT.OK}`, 'the run completed (per-shipment failures and bad rows are in the summary)'],
	[`${EXIT.FAILED}`, 'the run failed (S3 or state storage unreachable, unexpected error); nothing committed, a rerun is safe'],
	[`${EXIT.CONFIG}`, 'usage or configuration error (unknown option, missing credential, shipment list unreadable or bad as a whole, preflight: bucket, credentials or state location); nothing queried'],
	[`${EXIT.FATAL_ACCOUNT}`, 'fatal account error (bad signature or key, no quota, blocked account); nothing committed'],
	[`${EXIT.PARTIAL}`, 'with --strict only: completed, but some shipments failed, some rows were bad or the list was empty'],
	[`${EXIT.INTERRUPTED_SIGINT}`, `interrupted by a second SIGINT (${EXIT.INTERRUPTED_SIGTERM}: SIGTERM); nothing committed`],
];


export class ExporterError extends Error {
	readonly exitCode: number;
	constructor(message: string, exitCode: number, options?: { cause?: unknown }) {
		super(message, options);
		this.name = 'ExporterError';
		this.exitCode = exitCode;
	}
}

/** Bad configuration or usage: fix the settings and run again. */
export class ConfigError extends ExporterError {
	constructor(message: string, options?: { cause?: unknown }) {
		super(message, EXIT.CONFIG, options);
		this.name = 'ConfigError';
	}
}

/** An account-level provider error: every further request would fail the same way. */
export class FatalAccountError extends ExporterError {
	readonly provider: string;
	readonly code: string;
	constructor(message: string, provider: string, code: string, options?: { cause?: unknown }) {
		super(message, EXIT.FATAL_ACCOUNT, options);
		this.name = 'FatalAccountError';
		this.provider = provider;
		this.code = code;
	}
}

/** Storage (S3 or local file) failed; nothing was committed. */
export class StorageError extends ExporterError {
	constructor(message: string, options?: { cause?: unknown }) {
		super(message, EXIT.FAILED, options);
		this.name = 'StorageError';
	}
}

/** The run was interrupted (second signal, or an abort requested by the caller). */
export class InterruptedError extends ExporterError {
	constructor(message: string, exitCode: number = EXIT.INTERRUPTED_SIGTERM) {
		super(message, exitCode);
		this.name = 'InterruptedError';
	}
}

export function exitCodeOf(error: unknown): number {
	return error instanceof ExporterError ? error.exitCode : EXIT.FAILED;
}

export function messageOf(error: unknown): string {
	if (error instanceof Error) return error.message;
	return String(error);
}
