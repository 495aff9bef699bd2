import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { manifestJson } from '../emit/manifest';
import type { Reporter } from '../report/reporter';
import type { Shipment } from './shipment-row';
import { eventIdPrefix, shipmentKey } from '../../core/keys';
import type { Readable } from 'node:stream';
import { StorageError, messageOf } from '../exit-codes';
import type { RunContext } from '../run/run-context';
import { ExportState, packPrefixes, type ShipmentState } from '../state/export-state';
import { restampLegacyInflight, type InflightRun, type Journal } from '../state/journal';
import type { Storage } from '../storage/storage';

export interface RecoveryResult {
	/** The in-flight run's object was found in S3 and committed to the state. */
	adopted: boolean;
	runId: string;
	events: number;
	objects: string[];
}

/**
 * A run that crashed (or failed to save its state) after its data object was
 * completed in S3 left a journal entry. Multipart completion is atomic, so an
 * object at that key is whole: its events are adopted into the state (reading
 * them back from the object), its manifest written if it is missing, and the
 * run recorded. Nothing is exported twice and nothing is lost. Without an
 * object there is nothing to adopt: those events were never delivered and are
 * simply exported by a later run.
 */
/** Intake's last step when the journal holds a run in flight: adopt its object, or let it go. */
export async function recoverInterrupted(run: RunContext, state: ExportState, journal: Journal, shipments: readonly Shipment[]): Promise<void> {
	const inflight = journal.inflight!;
	restampLegacyInflight(journal, run.now());
	let result: RecoveryResult;
	try {
		result = await recoverInflight(inflight, state, run.storage, shipments, run.reporter, run.now);
	} catch (error) {
		throw new StorageError(`Could not recover run ${inflight.runId} (${inflight.dataUrl}): ${messageOf(error)}`, { cause: error });
	}
	if (result.adopted) {
		await run.store.saveState(state);
		run.summary.recovered = { runId: result.runId, events: result.events, objects: result.objects };
	}
	delete journal.inflight;
	await run.store.saveJournal(journal);
}

export async function recoverInflight(
	inflight: InflightRun,
	state: ExportState,
	storage: Storage,
	shipments: readonly Shipment[],
	reporter: Reporter,
	now: () => Date,
): Promise<RecoveryResult> {
	const none: RecoveryResult = { adopted: false, runId: inflight.runId, events: 0, objects: [] };
	if (state.hasRun(inflight.runId)) return none;
	const data = storage.parse(inflight.dataUrl);
	const size = await storage.size(data);
	if (size === null) {
		reporter.log('info', 'recovery.nothing', `Run ${inflight.runId} did not finish and left no object; its events will be exported now`, {
			runId: inflight.runId,
		});
		return none;
	}
	const stream = await storage.openRead(data);
	if (!stream) return none;
	const rows = await adoptRows(stream, inflight.dataUrl.endsWith('.gz'), state, shipments);
	await writeMissingManifest(storage, inflight, size, rows);
	state.addRun({
		runId: inflight.runId,
		scheduledAt: inflight.scheduledAt,
		finishedAt: now().toISOString(),
		events: rows,
		objects: [inflight.dataUrl],
		manifest: inflight.manifestUrl,
		recovered: true,
	});
	reporter.log(
		'warn',
		'recovery.adopted',
		`Run ${inflight.runId} had uploaded ${inflight.dataUrl} but not saved its state; its ${rows} event(s) are now recorded as exported`,
		{ runId: inflight.runId, object: inflight.dataUrl, events: rows },
	);
	return { adopted: true, runId: inflight.runId, events: rows, objects: [inflight.dataUrl] };
}

/** The object is whole (multipart completion is atomic); its manifest may not have been written. */
async function writeMissingManifest(storage: Storage, inflight: InflightRun, bytes: number, rows: number): Promise<void> {
	const manifest = storage.parse(inflight.manifestUrl);
	if ((await storage.size(manifest)) === null) await storage.writeText(manifest, manifestJson([{ url: inflight.dataUrl, bytes, rows }]));
}

/** Reads the object's rows back into the state (exported ids, milestone, times); returns the row count. */
async function adoptRows(stream: Readable, gzip: boolean, state: ExportState, shipments: readonly Shipment[]): Promise<number> {
	const keyOf = listKeys(shipments);
	const source = gzip ? stream.pipe(createGunzip()) : stream;
	const parser = source.pipe(parse({ columns: true, bom: true }));
	stream.on('error', (error) => parser.destroy(error));
	let rows = 0;
	const seen = new Map<string, Set<string>>();
	const added = new Map<string, string[]>();
	for await (const record of parser as AsyncIterable<Record<string, string>>) {
		rows++;
		const key = keyOf(record);
		const entry = state.entry(key);
		let prefixes = seen.get(key);
		if (!prefixes) seen.set(key, (prefixes = ExportState.prefixSet(entry)));
		const prefix = eventIdPrefix(record.event_id);
		if (!prefixes.has(prefix)) {
			prefixes.add(prefix);
			const list = added.get(key);
			if (list) list.push(prefix);
			else added.set(key, [prefix]);
		}
		adoptTimes(entry, record);
	}
	for (const [key, list] of added) ExportState.addExported(state.entry(key), packPrefixes(list));
	return rows;
}

/** Rows carry the carrier the service replied with; map them back to the list's keys. */
function listKeys(shipments: readonly Shipment[]): (record: Record<string, string>) => string {
	const byNumber = new Map<string, string[]>();
	for (const shipment of shipments) {
		const numberKey = `${shipment.provider}:${shipment.trackingNumber}`;
		byNumber.set(numberKey, [...(byNumber.get(numberKey) ?? []), shipment.key]);
	}
	return (record) => {
		const candidates = byNumber.get(`${record.provider}:${record.tracking_number}`) ?? [];
		return candidates.length === 1 ? candidates[0] : shipmentKey(record.provider, record.carrier, record.tracking_number);
	};
}

function adoptTimes(entry: ShipmentState, record: Record<string, string>): void {
	if (record.shipment_status) entry.lastMilestone = record.shipment_status;
	if (record.fetched_at && (!entry.lastQueriedAt || record.fetched_at > entry.lastQueriedAt)) entry.lastQueriedAt = record.fetched_at;
	if (record.event_time && (!entry.lastEventTime || record.event_time > entry.lastEventTime)) entry.lastEventTime = record.event_time;
}
