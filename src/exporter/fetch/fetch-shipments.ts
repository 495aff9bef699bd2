import { runPool } from '../../core/pool';
import type { ShipmentEmitter } from '../emit/shipment-emitter';
import type { Shipment } from '../intake/shipment-row';
import type { RunContext } from '../run/run-context';
import type { Fetcher } from './fetch-phase';
import { MAX_LOGGED_FAILURES, onLookupFailure } from './lookup-failure';
import { lookUp } from './lookup-clients';
import { RunStop } from './run-stop';

/** Queries every due shipment, `concurrency` at a time; returns the error that stopped the run, if one did. */
export async function fetchShipments(run: RunContext, due: readonly Shipment[], fetcher: Fetcher, emitter: ShipmentEmitter): Promise<Error | undefined> {
	const { reporter, summary } = run;
	const stop = new RunStop(run.deps.signal);
	let done = 0;
	reporter.progress({ done: 0, total: due.length, newEvents: 0, failed: 0 });
	await runPool(
		due,
		run.config.concurrency,
		async (shipment) => {
			try {
				await fetchOne(run, shipment, fetcher, emitter, stop);
			} finally {
				done++;
				reporter.progress({ done, total: due.length, newEvents: summary.events.new, failed: summary.shipments.failed });
			}
		},
		() => stop.check(),
	);
	stop.check();
	if (summary.shipments.failed > MAX_LOGGED_FAILURES) {
		reporter.log('warn', 'shipment.failed_more', `${summary.shipments.failed - MAX_LOGGED_FAILURES} more shipment failure(s) not shown`);
	}
	return stop.error;
}

/** One shipment: wait for the lease, query, stamp the answer time, hand the reply to emit. */
async function fetchOne(run: RunContext, shipment: Shipment, fetcher: Fetcher, emitter: ShipmentEmitter, stop: RunStop): Promise<void> {
	const { book, clients } = fetcher;
	try {
		await book.beforeQuery(shipment.key);
		const reply = await lookUp(run, shipment, clients);
		if (stop.error) return;
		const fetchedAt = run.now();
		book.answered(shipment.key, fetchedAt.toISOString());
		const encoded = await emitter.encode(shipment, reply, fetchedAt);
		if (stop.error) return;
		run.summary.shipments.queried++;
		await emitter.write(shipment, encoded);
	} catch (error) {
		onLookupFailure(run, shipment, error, { book, emitter, stop });
	}
}
