import { providerOf } from '../../providers';
import type { ShipmentEmitter } from '../emit/shipment-emitter';
import type { Shipment } from '../intake/shipment-row';
import type { RunContext } from '../run/run-context';
import type { Journal } from '../state/journal';
import { fetchShipments } from './fetch-shipments';
import { createLookupClients, type LookupClients } from './lookup-clients';
import { MinIntervalBook, leaseOptions } from './min-interval-book';

/** The fetch phase's tools: the minimum-interval book and a lookup client per service. */
export interface Fetcher {
	book: MinIntervalBook;
	clients: LookupClients;
}

/** The book and the clients; missing credentials fail here, before anything is written. */
export function prepareFetch(run: RunContext, journal: Journal, due: readonly Shipment[]): Fetcher {
	const { config, deps, store } = run;
	const book = new MinIntervalBook(
		journal,
		// Numbers with a minimum query interval (Kuaidi100's 30 minutes) are booked.
		due.filter((s) => providerOf(s.provider).minQueryIntervalMs > 0).map((s) => s.key),
		async (written) => await store.saveJournal(written),
		run.now,
		deps.lease ?? leaseOptions(config.rps, config.concurrency, config.timeoutMs),
	);
	return { book, clients: createLookupClients(run, due, book) };
}

/**
 * Fetch: the write-ahead (the journal holds the in-flight run and the first
 * reservations before the first query; min-interval-book.ts says why a crash
 * cannot lead to a second query within the interval), then every due shipment.
 * Returns the error that stopped the run, if one did; the encoder is closed either way.
 */
export async function runFetch(run: RunContext, due: readonly Shipment[], fetcher: Fetcher, emitter: ShipmentEmitter): Promise<Error | undefined> {
	const { layout } = run;
	try {
		await fetcher.book.open({
			runId: layout.runId,
			scheduledAt: layout.scheduledAt,
			startedAt: run.now().toISOString(),
			dataUrl: layout.dataUrl,
			manifestUrl: layout.manifestUrl,
		});
	} catch (error) {
		await emitter.closeEncoder();
		throw error;
	}
	try {
		return await fetchShipments(run, due, fetcher, emitter);
	} catch (error) {
		return error as Error;
	} finally {
		await emitter.closeEncoder();
	}
}
