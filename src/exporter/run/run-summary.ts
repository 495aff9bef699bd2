import { ConfigError, EXIT, ExporterError, FatalAccountError, InterruptedError, messageOf } from '../exit-codes';
import type { ExportConfig } from '../intake/settings';

/** An object a run wrote. */
export interface ObjectInfo {
	url: string;
	key: string;
	bytes: number;
	rows: number;
}

/** What a run did, as the reporters print it and `runExport` returns it. */
export interface RunSummary {
	runId: string;
	scheduledAt: string;
	status: 'ok' | 'already-done' | 'failed' | 'fatal' | 'interrupted' | 'config';
	exitCode: number;
	error?: string;
	startedAt: string;
	finishedAt: string;
	durationMs: number;
	shipments: {
		listed: number;
		badRows: number;
		due: number;
		queried: number;
		skippedLockout: number;
		skippedTerminal: number;
		noResultYet: number;
		failed: number;
	};
	events: { fetched: number; new: number; duplicate: number };
	objects: ObjectInfo[];
	manifest?: string;
	bytes: number;
	recovered?: { runId: string; events: number; objects: string[] };
	committed: boolean;
	/** Things that did not stop the run but need a look (an empty shipment list); exit 4 with --strict. */
	warnings?: string[];
}

export function emptySummary(layout: { runId: string; scheduledAt: string }, startedAt: Date): RunSummary {
	return {
		runId: layout.runId,
		scheduledAt: layout.scheduledAt,
		status: 'ok',
		exitCode: EXIT.OK,
		startedAt: startedAt.toISOString(),
		finishedAt: startedAt.toISOString(),
		durationMs: 0,
		shipments: { listed: 0, badRows: 0, due: 0, queried: 0, skippedLockout: 0, skippedTerminal: 0, noResultYet: 0, failed: 0 },
		events: { fetched: 0, new: 0, duplicate: 0 },
		objects: [],
		bytes: 0,
		committed: false,
	};
}

function statusOf(error: unknown): RunSummary['status'] {
	if (error instanceof FatalAccountError) return 'fatal';
	if (error instanceof InterruptedError) return 'interrupted';
	if (error instanceof ConfigError) return 'config';
	return 'failed';
}

/** A run-level failure into the summary: status, exit code and message. */
export function recordFailure(summary: RunSummary, error: unknown): void {
	summary.status = statusOf(error);
	summary.exitCode = error instanceof ExporterError ? error.exitCode : EXIT.FAILED;
	summary.error = messageOf(error);
}

/** End time and duration; with --strict, a completed run that needs a look exits 4. */
export function finishSummary(summary: RunSummary, config: ExportConfig, startedAt: Date, finishedAt: Date): void {
	summary.finishedAt = finishedAt.toISOString();
	summary.durationMs = Math.max(0, finishedAt.getTime() - startedAt.getTime());
	const needsALook = summary.shipments.failed > 0 || summary.shipments.badRows > 0 || (summary.warnings?.length ?? 0) > 0;
	if (summary.status === 'ok' && config.strict && needsALook) summary.exitCode = EXIT.PARTIAL;
}
