import type { Milestone } from '../../normalize/milestones';
import type { Shipment } from '../intake/shipment-row';
import type { RunContext } from '../run/run-context';
import type { ExportState } from '../state/export-state';
import type { EncodedShipment } from './encode-shipment';
import { createEncoder, type ShipmentEncoder } from './encoder';
import { ObjectWriter } from './object-writer';

/** What the commit records of one queried shipment. */
export interface Outcome {
	queriedAt: string;
	milestone?: Milestone;
	lastEventTime?: string;
	/** Packed id prefixes of the events written by this run. */
	prefixes: Buffer;
}

const EMPTY = new Uint8Array(0);

/**
 * Emit: each reply through the encoder (normalize, drop events exported
 * before, CSV) into the object writer, and what the commit will record.
 */
export class ShipmentEmitter {
	readonly outcomes = new Map<string, Outcome>();

	private constructor(
		private readonly run: RunContext,
		private readonly state: ExportState,
		private readonly encoder: ShipmentEncoder,
		readonly writer: ObjectWriter,
	) {}

	/** Starts the encoder (threads) before any query is reserved: a broken encoder costs no query. */
	static open(run: RunContext, state: ExportState): ShipmentEmitter {
		const { config, layout, deps } = run;
		const encoder = deps.encoder?.() ?? createEncoder(config.threads);
		const writer = new ObjectWriter({
			client: deps.storage.client,
			bucket: layout.bucket,
			key: layout.dataKey,
			gzip: config.gzip,
			partSize: config.partSizeMb * 1024 * 1024,
		});
		return new ShipmentEmitter(run, state, encoder, writer);
	}

	/** The reply's new events as CSV bytes (on the encoder threads). */
	async encode(shipment: Shipment, reply: unknown, fetchedAt: Date): Promise<EncodedShipment> {
		return await this.encoder.encode({
			provider: shipment.provider,
			reply,
			options: {
				source: 'query',
				fetchedAt,
				exportRunId: this.run.layout.runId,
				sourceTimeZone: this.run.config[shipment.provider].sourceTimeZone,
				carrier: shipment.carrier,
				trackingNumber: shipment.trackingNumber,
			},
			exported: this.state.shipments.get(shipment.key)?.exported ?? EMPTY,
		});
	}

	/** Counts the events, keeps the outcome for the commit and writes the rows. */
	async write(shipment: Shipment, encoded: EncodedShipment): Promise<void> {
		const events = this.run.summary.events;
		events.duplicate += encoded.duplicates;
		events.fetched += encoded.fetched;
		events.new += encoded.count;
		this.outcomes.set(shipment.key, {
			queriedAt: encoded.fetchedAt,
			milestone: encoded.shipmentStatus,
			...(encoded.lastEventTime ? { lastEventTime: encoded.lastEventTime } : {}),
			// A copy into Node's shared small-buffer pool: one ArrayBuffer per shipment would cost more than the bytes.
			prefixes: Buffer.from(encoded.prefixes),
		});
		if (encoded.count === 0) return;
		const written = this.writer.writeCsv(encoded.csv, encoded.count);
		// The writer copied the bytes: their buffer can carry a later reply.
		this.encoder.recycle(encoded.csv);
		await written;
	}

	/** The service answered without events (no result yet, or refused the number): the query time still counts. */
	answeredWithoutEvents(shipment: Shipment, answeredAt: string): void {
		this.outcomes.set(shipment.key, { queriedAt: answeredAt, prefixes: Buffer.alloc(0) });
	}

	async closeEncoder(): Promise<void> {
		await this.encoder.close();
	}
}
