import type { RunContext } from '../run/run-context';
import type { ExportState } from '../state/export-state';
import type { Journal } from '../state/journal';
import { formatLocation } from '../storage/storage';
import { checked } from '../storage/storage-problem';
import { preflight } from './preflight';
import { recoverInterrupted } from './recovery';
import { loadShipmentList } from './shipment-list';
import type { Shipment } from './shipment-row';

/** What the run starts from: the committed state, the journal and the shipments to watch. */
export interface Intake {
	state: ExportState;
	journal: Journal;
	shipments: Shipment[];
}

/**
 * Intake: read the state, the journal and the shipment list, prove the run can
 * write where it must (preflight), then finish an interrupted run (recovery).
 * Nothing is queried or reserved here.
 */
export async function runIntake(run: RunContext): Promise<Intake> {
	const { config, layout, reporter, store } = run;
	const stateAt = formatLocation(store.stateAt);
	reporter.log('info', 'run.start', `Run ${layout.runId} (scheduled ${layout.scheduledAt})`, {
		runId: layout.runId,
		scheduledAt: layout.scheduledAt,
		state: stateAt,
		output: config.output,
	});
	const endpoint = config.s3.endpoint;
	const state = await checked('state', stateAt, endpoint, async () => await store.loadState());
	const journal = await checked('state', stateAt, endpoint, async () => await store.loadJournal());
	const shipments = await readShipmentList(run);
	// Before anything is queried or reserved: can the run write its state and its output?
	await preflight(run.storage, store, journal, layout, endpoint);
	if (journal.inflight) await recoverInterrupted(run, state, journal, shipments);
	return { state, journal, shipments };
}

/** The list's shipments; bad rows and an empty list are reported, not fatal. */
async function readShipmentList(run: RunContext): Promise<Shipment[]> {
	const { reporter, summary } = run;
	const listAt = run.storage.parse(run.config.shipments);
	const where = formatLocation(listAt);
	const list = await checked('shipments', where, run.config.s3.endpoint, async () => await loadShipmentList(run.storage, listAt));
	summary.shipments.listed = list.shipments.length;
	summary.shipments.badRows = list.badRows.length;
	for (const bad of list.badRows) {
		reporter.log('warn', 'shipments.bad_row', `${where} line ${bad.line}: ${bad.reason}; row skipped`, { line: bad.line, reason: bad.reason });
	}
	if (list.shipments.length === 0 && list.badRows.length === 0) {
		const warning = `The shipment list ${where} holds no shipment (empty or header only): nothing to query`;
		(summary.warnings ??= []).push(warning);
		reporter.log('warn', 'shipments.empty', warning, { shipments: where });
	}
	return list.shipments;
}
