import type { Outcome } from '../emit/shipment-emitter';
import type { MinIntervalBook } from '../fetch/min-interval-book';
import { messageOf } from '../exit-codes';
import type { ObjectInfo } from '../run/run-summary';
import type { RunContext } from '../run/run-context';
import { ExportState } from '../state/export-state';
import { formatLocation } from '../storage/storage';

/**
 * Commit: only now, with the object and its manifest in S3, does the state
 * learn what was exported. Then the book is settled and the in-flight note cleared.
 */
export async function commitRun(
	run: RunContext,
	state: ExportState,
	outcomes: ReadonlyMap<string, Outcome>,
	object: ObjectInfo | undefined,
	book: MinIntervalBook,
): Promise<void> {
	const { layout, reporter } = run;
	recordOutcomes(state, outcomes);
	state.addRun({
		runId: layout.runId,
		scheduledAt: layout.scheduledAt,
		finishedAt: run.now().toISOString(),
		events: run.summary.events.new,
		objects: object ? [object.url] : [],
		...(object ? { manifest: layout.manifestUrl } : {}),
	});
	try {
		await run.store.saveState(state);
	} catch (error) {
		// The object and manifest are in S3: the in-flight note stays, and the next run adopts them.
		await book.settle({ clearInflight: false });
		throw error;
	}
	run.summary.committed = true;
	await book.settle({ clearInflight: true }).catch((error: unknown) => {
		reporter.log('warn', 'journal.failed', `Could not update the journal: ${messageOf(error)}`);
	});
	reporter.log('info', 'run.committed', `State saved to ${formatLocation(run.store.stateAt)}`, { runId: layout.runId });
}

function recordOutcomes(state: ExportState, outcomes: ReadonlyMap<string, Outcome>): void {
	for (const [key, outcome] of outcomes) {
		const entry = state.entry(key);
		entry.lastQueriedAt = outcome.queriedAt;
		if (outcome.milestone) entry.lastMilestone = outcome.milestone;
		if (outcome.lastEventTime && (!entry.lastEventTime || outcome.lastEventTime > entry.lastEventTime)) {
			entry.lastEventTime = outcome.lastEventTime;
		}
		ExportState.addExported(entry, outcome.prefixes);
	}
}
