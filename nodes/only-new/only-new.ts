import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { eventDedupKey, milestoneDedupKey, shipmentKey } from '../../src/core/keys';
import type { TrackingEvent } from '../../src/normalize/event';
import { MILESTONES, type Milestone } from '../../src/normalize/milestones';
import type { NormalizedShipment } from '../../src/normalize/shipment';
import { DEFAULT_MEMORY_SIZE, MIN_MEMORY_SIZE, type KeyMemory } from '../node-memory/key-memory';
import type { OutputMode } from '../parameters/output-mode';

/** The milestone choices, as the Tracking Webhook Trigger offers them. */
export const milestoneChoices = MILESTONES.map((milestone) => ({ name: milestone, value: milestone }));

/** "Only New" and its milestone filter, for the operations listed in `show`. */
export function onlyNewProperties(show: { operation: string[] }): INodeProperties[] {
	const whenOn = { show: { ...show, onlyNew: [true] } };
	return [
		{
			displayName: 'Only New',
			name: 'onlyNew',
			type: 'boolean',
			default: false,
			displayOptions: { show },
			description:
				"Whether to output, per shipment, only what this node has not output before. The memory lives in n8n's database and survives restarts. Items get a dedup_key.",
		},
		{
			displayName: 'Emit On',
			name: 'emitOn',
			type: 'options',
			default: 'all',
			displayOptions: whenOn,
			options: [
				{ name: 'Any New Event', value: 'all', description: 'Every event not output before' },
				{
					name: 'Chosen Milestones',
					value: 'milestones',
					description: 'Only shipments that newly reached one of the chosen milestones, once per shipment and milestone',
				},
			],
		},
		{
			displayName: 'Milestones',
			name: 'milestones',
			type: 'multiOptions',
			default: ['delivered'],
			options: milestoneChoices,
			description: 'The milestones to output a shipment for',
			displayOptions: { show: { ...show, onlyNew: [true], emitOn: ['milestones'] } },
		},
		{
			displayName: 'Memory Size',
			name: 'memorySize',
			type: 'number',
			default: DEFAULT_MEMORY_SIZE,
			typeOptions: { minValue: MIN_MEMORY_SIZE },
			displayOptions: whenOn,
			description:
				'How many keys this node remembers (one per event output, or per shipment and milestone, plus one per number queried recently). Past it the oldest are forgotten. About 27 bytes each in n8n\'s database.',
		},
	];
}

export interface OnlyNewSettings {
	emitOn: 'all' | 'milestones';
	milestones: Milestone[];
}

/** The node-level settings (from the first item: the memory belongs to the node, not to an item). */
export function readOnlyNewSettings(ctx: IExecuteFunctions): OnlyNewSettings | undefined {
	if (!(ctx.getNodeParameter('onlyNew', 0, false) as boolean)) return undefined;
	return {
		emitOn: ctx.getNodeParameter('emitOn', 0, 'all') as OnlyNewSettings['emitOn'],
		milestones: ctx.getNodeParameter('milestones', 0, ['delivered']) as Milestone[],
	};
}

export function readMemorySize(ctx: IExecuteFunctions): number {
	const size = Number(ctx.getNodeParameter('memorySize', 0, DEFAULT_MEMORY_SIZE));
	return Number.isFinite(size) ? Math.max(MIN_MEMORY_SIZE, Math.floor(size)) : DEFAULT_MEMORY_SIZE;
}

/** What is new about one shipment in this execution. */
interface ShipmentNews {
	newEvents: TrackingEvent[];
	matched: Milestone[];
}

function keyOf(shipment: NormalizedShipment): string {
	return shipmentKey(shipment.provider, shipment.carrier, shipment.tracking_number);
}

function candidateMilestones(shipment: NormalizedShipment, chosen: Milestone[]): Milestone[] {
	const reached = new Set<Milestone>([shipment.shipment_status, ...shipment.events.map((event) => event.status)]);
	return chosen.filter((milestone) => reached.has(milestone));
}

function milestoneKey(shipment: NormalizedShipment, milestone: Milestone): string {
	return milestoneDedupKey(shipment.provider, shipment.carrier, shipment.tracking_number, milestone);
}

/**
 * One execution's view of "new": all fetched shipments are checked against the
 * node's memory in one call (the store rewrites its whole row per call), and each
 * shipment's news goes to the first item that asks for it.
 */
export class OnlyNewBatch {
	private readonly news = new Map<string, ShipmentNews>();

	constructor(
		private readonly memory: KeyMemory,
		private readonly settings: OnlyNewSettings,
	) {}

	/** Records what is new in these shipments; call once, after all requests. */
	async check(shipments: NormalizedShipment[]): Promise<void> {
		const distinct = new Map(shipments.map((shipment) => [keyOf(shipment), shipment]));
		const candidates = [...distinct.values()].flatMap((shipment) =>
			this.settings.emitOn === 'milestones'
				? candidateMilestones(shipment, this.settings.milestones).map((m) => milestoneKey(shipment, m))
				: shipment.events.map((event) => eventDedupKey(event.event_id)),
		);
		const fresh = await this.memory.exclusive(async () => await this.memory.recordNew(candidates));
		for (const [key, shipment] of distinct) {
			this.news.set(key, {
				newEvents: shipment.events.filter((event) => fresh.has(eventDedupKey(event.event_id))),
				matched: this.settings.emitOn === 'milestones'
					? candidateMilestones(shipment, this.settings.milestones).filter((m) => fresh.has(milestoneKey(shipment, m)))
					: [],
			});
		}
	}

	/** The output of one item: only what is new, each with its dedup_key; [] when nothing is. */
	output(mode: OutputMode, shipment: NormalizedShipment, raw: unknown, extra: IDataObject = {}): IDataObject[] {
		const key = keyOf(shipment);
		const news = this.news.get(key);
		this.news.delete(key); // a second item for the same shipment gets nothing new
		if (!news) return [];
		if (this.settings.emitOn === 'milestones') return this.milestoneOutput(mode, shipment, raw, extra, news.matched);
		if (news.newEvents.length === 0) return [];
		if (mode === 'raw') return [raw as IDataObject];
		if (mode === 'events') {
			return news.newEvents.map((event) => ({ ...(event as unknown as IDataObject), dedup_key: eventDedupKey(event.event_id) }));
		}
		return [
			{
				...(shipment as unknown as IDataObject),
				...extra,
				new_events: news.newEvents as unknown as IDataObject[],
				// The newest new event stands for this update of the shipment.
				dedup_key: eventDedupKey(news.newEvents[0].event_id),
			},
		];
	}

	private milestoneOutput(
		mode: OutputMode,
		shipment: NormalizedShipment,
		raw: unknown,
		extra: IDataObject,
		matched: Milestone[],
	): IDataObject[] {
		if (matched.length === 0) return [];
		if (mode === 'raw') return [raw as IDataObject];
		// One item per milestone, so each carries the one key it stands for; the trigger's
		// `matched_milestones` field too, so one downstream step reads both.
		return matched.map((milestone) => {
			const dedup = { matched_milestone: milestone, matched_milestones: [milestone], dedup_key: milestoneKey(shipment, milestone) };
			if (mode === 'events') {
				// The newest event of that milestone, or the newest event when only the shipment as a whole has it.
				const event = shipment.events.find((e) => e.status === milestone) ?? shipment.events[0];
				return { ...((event ?? shipment) as unknown as IDataObject), ...dedup };
			}
			return { ...(shipment as unknown as IDataObject), ...extra, ...dedup };
		});
	}
}
