import { isTerminal, type Milestone } from '../../normalize/milestones';
import { providerOf } from '../../providers';
import type { Intake } from '../intake/intake';
import type { Shipment } from '../intake/shipment-row';
import type { RunContext } from '../run/run-context';
import { lastQueryBound } from '../state/journal';

/**
 * Select: the shipments due now. Finished shipments (a terminal milestone) are
 * not polled again; a number of a service with a minimum query interval
 * (Kuaidi100's 30 minutes) waits until its last query, committed or journaled, is that old.
 */
export function selectDue(run: RunContext, intake: Intake): Shipment[] {
	const now = run.now().getTime();
	const due = intake.shipments.filter((shipment) => isDue(run, intake, shipment, now));
	run.summary.shipments.due = due.length;
	run.reporter.log('info', 'shipments.due', `${due.length} of ${intake.shipments.length} shipment(s) due`, {
		due: due.length,
		skippedLockout: run.summary.shipments.skippedLockout,
		skippedTerminal: run.summary.shipments.skippedTerminal,
	});
	return due;
}

function isDue(run: RunContext, intake: Intake, shipment: Shipment, now: number): boolean {
	const entry = intake.state.shipments.get(shipment.key);
	if (entry?.lastMilestone && isTerminal(entry.lastMilestone as Milestone)) {
		run.summary.shipments.skippedTerminal++;
		return false;
	}
	const interval = providerOf(shipment.provider).minQueryIntervalMs;
	if (interval === 0) return true;
	const last = lastQueryBound(intake.journal, shipment.key, entry?.lastQueriedAt);
	if (last === undefined || now - last >= interval) return true;
	run.summary.shipments.skippedLockout++;
	const next = new Date(last + interval).toISOString();
	run.reporter.log('debug', 'shipments.lockout', `${shipment.key} was queried at ${new Date(last).toISOString()}; next query allowed at ${next}`, {
		shipment: shipment.key,
	});
	return false;
}
