import { commitRun } from '../commit/commit-run';
import { runLayout } from '../emit/object-layout';
import { ShipmentEmitter } from '../emit/shipment-emitter';
import { uploadObject } from '../emit/upload-object';
import { prepareFetch, runFetch } from '../fetch/fetch-phase';
import { runIntake } from '../intake/intake';
import { checkRunConfig } from '../intake/resolve-settings';
import type { ExportConfig } from '../intake/settings';
import { selectDue } from '../select/select-due';
import { StateStore } from '../state/state-store';
import type { RunContext, RunDeps } from './run-context';
import { emptySummary, finishSummary, recordFailure, type RunSummary } from './run-summary';

export type { RunDeps } from './run-context';

/**
 * One export. Never throws for run-level failures: the summary carries status
 * and exit code (exit-codes.ts), and goes to the reporter once.
 */
export async function runExport(config: ExportConfig, scheduledAt: Date, deps: RunDeps): Promise<RunSummary> {
	const now = deps.now ?? (() => new Date());
	const startedAt = now();
	const slot = { runId: scheduledAt.toISOString(), scheduledAt: scheduledAt.toISOString() };
	let summary = emptySummary(slot, startedAt);
	try {
		checkRunConfig(config);
		const layout = runLayout(config.output, scheduledAt, config.gzip);
		summary = emptySummary(layout, startedAt);
		const store = new StateStore(deps.storage, deps.storage.parse(config.state));
		await exportPhases({ config, layout, deps, summary, now, reporter: deps.reporter, storage: deps.storage, store });
	} catch (error) {
		recordFailure(summary, error);
		deps.reporter.log('error', `run.${summary.status}`, summary.error!, { runId: summary.runId });
	}
	finishSummary(summary, config, startedAt, now());
	deps.reporter.summary(summary);
	return summary;
}

/** intake -> select -> fetch (+ emit per reply) -> upload -> commit. */
async function exportPhases(run: RunContext): Promise<void> {
	const intake = await runIntake(run);
	if (intake.state.hasRun(run.layout.runId)) {
		run.summary.status = 'already-done';
		const message = `Run ${run.layout.runId} was already completed; nothing to do (give another --scheduled-time to run again)`;
		run.reporter.log('info', 'run.already_done', message, { runId: run.layout.runId });
		return;
	}
	const due = selectDue(run, intake);
	const fetcher = prepareFetch(run, intake.journal, due);
	const emitter = ShipmentEmitter.open(run, intake.state);
	const stop = await runFetch(run, due, fetcher, emitter);
	if (stop) {
		await emitter.writer.abort(stop);
		await fetcher.book.settle({ clearInflight: true });
		throw stop;
	}
	const upload = await uploadObject(run, emitter.writer);
	if (!upload.ok) {
		// A data object left without its manifest keeps the in-flight note: the next run adopts it.
		await fetcher.book.settle({ clearInflight: !upload.objectLeft });
		throw upload.error;
	}
	await run.deps.hooks?.beforeCommit?.();
	await commitRun(run, intake.state, emitter.outcomes, upload.object, fetcher.book);
}
