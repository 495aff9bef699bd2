import { TrackingApiError } from '../../core/tracking-api-error';
import { providerOf } from '../../providers';
import type { ShipmentEmitter } from '../emit/shipment-emitter';
import { FatalAccountError, StorageError, messageOf } from '../exit-codes';
import type { Shipment } from '../intake/shipment-row';
import type { RunContext } from '../run/run-context';
import { formatLocation } from '../storage/storage';
import type { MinIntervalBook } from './min-interval-book';
import type { RunStop } from './run-stop';

export const MAX_LOGGED_FAILURES = 50;

interface FailureScope {
	book: MinIntervalBook;
	emitter: ShipmentEmitter;
	stop: RunStop;
}

/**
 * A shipment whose query or encoding failed: an account-level refusal or a
 * journal that cannot be written stops the run; a refusal of the number itself
 * (or no result yet) is that shipment's outcome; anything else stops the run.
 */
export function onLookupFailure(run: RunContext, shipment: Shipment, error: unknown, scope: FailureScope): void {
	const { book, stop } = scope;
	if (error instanceof TrackingApiError && (error.fatal || providerOf(error.provider).accountLevelCodes.has(error.code))) {
		// Refused at the account level: the number was not looked up, so it does not count for the minimum interval.
		book.release(shipment.key);
		stop.set(new FatalAccountError(`${error.message} The run stopped; nothing was exported or committed.`, error.provider, error.code, { cause: error }));
		return;
	}
	if (stop.error) return;
	if (book.failure !== undefined) {
		const journalAt = formatLocation(run.store.journalAt);
		stop.set(new StorageError(`Could not write the journal ${journalAt}: ${messageOf(book.failure)}`, { cause: book.failure }));
		return;
	}
	if (error instanceof TrackingApiError) {
		shipmentRefused(run, shipment, error, scope);
		return;
	}
	// Anything else (the upload failed, a bug): the run cannot go on.
	stop.set(error instanceof Error ? error : new Error(String(error)));
}

/** The service answered about this number: no result yet, or a failure of this shipment only. */
function shipmentRefused(run: RunContext, shipment: Shipment, error: TrackingApiError, { book, emitter }: FailureScope): void {
	const { summary, reporter } = run;
	const answeredAt = run.now().toISOString();
	book.answered(shipment.key, answeredAt);
	emitter.answeredWithoutEvents(shipment, answeredAt);
	if (providerOf(error.provider).noResultYetCodes.has(error.code)) {
		summary.shipments.queried++;
		summary.shipments.noResultYet++;
		reporter.log('info', 'shipment.no_result', `${shipment.key}: no tracking result yet`, { shipment: shipment.key, line: shipment.line });
		return;
	}
	summary.shipments.failed++;
	if (summary.shipments.failed > MAX_LOGGED_FAILURES) return;
	reporter.log('warn', 'shipment.failed', `${shipment.key} (line ${shipment.line}): ${error.message}`, {
		shipment: shipment.key,
		line: shipment.line,
		code: error.code,
		retryable: error.retryable,
	});
}
