import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { manifestJson } from '../emit/object-layout';
import type { Reporter } from '../report/reporters';
import type { Shipment } from './shipment-list';
import { eventIdPrefix, shipmentKey } from '../../core/keys';
import { ExportState, packPrefixes, type InflightRun } from '../state/export-state';
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

	// Rows carry the carrier the service replied with; map them back to the list's keys.
	const byNumber = new Map<string, string[]>();
	for (const shipment of shipments) {
		const numberKey = `${shipment.provider}:${shipment.trackingNumber}`;
		byNumber.set(numberKey, [...(byNumber.get(numberKey) ?? []), shipment.key]);
	}
	const stream = await storage.openRead(data);
	if (!stream) return none;
	const source = inflight.dataUrl.endsWith('.gz') ? stream.pipe(createGunzip()) : stream;
	const parser = source.pipe(parse({ columns: true, bom: true }));
	stream.on('error', (error) => parser.destroy(error));
	let rows = 0;
	const seen = new Map<string, Set<string>>();
	const added = new Map<string, string[]>();
	for await (const record of parser as AsyncIterable<Record<string, string>>) {
		rows++;
		const candidates = byNumber.get(`${record.provider}:${record.tracking_number}`) ?? [];
		const key = candidates.length === 1 ? candidates[0] : shipmentKey(record.provider, record.carrier, record.tracking_number);
		const entry = state.entry(key);
		let prefixes = seen.get(key);
		if (!prefixes) {
			prefixes = ExportState.prefixSet(entry);
			seen.set(key, prefixes);
		}
		const prefix = eventIdPrefix(record.event_id);
		if (!prefixes.has(prefix)) {
			prefixes.add(prefix);
			const list = added.get(key);
			if (list) list.push(prefix);
			else added.set(key, [prefix]);
		}
		if (record.shipment_status) entry.lastMilestone = record.shipment_status;
		if (record.fetched_at && (!entry.lastQueriedAt || record.fetched_at > entry.lastQueriedAt)) {
			entry.lastQueriedAt = record.fetched_at;
		}
		if (record.event_time && (!entry.lastEventTime || record.event_time > entry.lastEventTime)) {
			entry.lastEventTime = record.event_time;
		}
	}
	for (const [key, list] of added) ExportState.addExported(state.entry(key), packPrefixes(list));
	const manifest = storage.parse(inflight.manifestUrl);
	if ((await storage.size(manifest)) === null) {
		await storage.writeText(manifest, manifestJson([{ url: inflight.dataUrl, bytes: size, rows }]));
	}
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
