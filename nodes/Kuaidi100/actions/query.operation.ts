import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { settleSync, type Outcome } from '../../../src/core/settle';
import type { Kuaidi100QueryParams, Kuaidi100QueryResult } from '../../../src/kuaidi100/types';
import { normalizeKuaidi100Estimate } from '../../../src/normalize/estimate';
import type { NormalizedShipment } from '../../../src/normalize/shipment';
import { kuaidi100 } from '../../../src/providers/kuaidi100';
import { prepareLookup } from '../../../src/providers/prepare';
import { InputError } from '../../item-runner/item-errors';
import { runItems, type ItemRequest } from '../../item-runner/run-items';
import { LockoutPlan, lockoutGuardProperty, reserveQueries, skippedItem, type ShipmentRef } from '../../lockout-guard/lockout-guard';
import { openNodeMemory } from '../../node-memory/key-memory';
import { OnlyNewBatch, onlyNewProperties, readMemorySize, readOnlyNewSettings } from '../../only-new/only-new';
import { outputModeProperty, shipmentOutput, type OutputMode } from '../../parameters/output-mode';
import { readRequestOptions, type RequestOptions } from '../../parameters/request-options';
import { trackingNumberProperty } from '../../parameters/shipment-fields';
import type { Kuaidi100Client } from '../../../src/kuaidi100/client';
import { kuaidi100Client } from '../transport';
import { carrierCodeProperty, phoneProperty, queryOptionsProperty } from './common';

const show = { operation: ['query', 'getMapTrack'] };

/** Fields shared by Query and Get Map Track (same request, other endpoint). */
export const description: INodeProperties[] = [
	...[carrierCodeProperty, trackingNumberProperty('kuaidi100'), phoneProperty, outputModeProperty].map((property) => ({
		...property,
		displayOptions: { show },
	})),
	...onlyNewProperties({ operation: ['query'] }),
	{ ...lockoutGuardProperty, displayOptions: { show } },
	{ ...queryOptionsProperty, displayOptions: { show } },
];

/** One item's lookup, read and checked once: its parameters, its exact `param` text (the request key), its shipment. */
interface ItemLookup {
	params: Kuaidi100QueryParams;
	requestKey: string;
	ref: ShipmentRef;
}

function readLookup(ctx: IExecuteFunctions, itemIndex: number): ItemLookup {
	const text = (name: string) => String(ctx.getNodeParameter(name, itemIndex, '')).trim();
	const options = ctx.getNodeParameter('queryOptions', itemIndex, {}) as {
		from?: string;
		to?: string;
		resultv2?: string;
		order?: 'desc' | 'asc';
		lang?: string;
	};
	// The registry checks the shipment and builds the parameters and the text the exporter sends too.
	const lookup = prepareLookup(
		kuaidi100,
		{ carrier: text('carrierCode'), trackingNumber: text('trackingNumber'), phone: text('phone'), shipFrom: options.from?.trim(), shipTo: options.to?.trim() },
		{ resultv2: options.resultv2, order: options.order, lang: options.lang },
	);
	if ('problem' in lookup) throw new InputError(lookup.problem);
	const { params, requestText } = lookup;
	return { params, requestKey: requestText, ref: { provider: kuaidi100.id, carrier: params.com.toLowerCase(), trackingNumber: params.num } };
}

type Fetched = { raw: Kuaidi100QueryResult; fetchedAt: Date; shipment: NormalizedShipment };
type Result = Fetched | { skipped: Date };

/** What the execution remembers: the lockout guard's plan and the "Only New" batch, each when on. */
interface Memory {
	lockout?: LockoutPlan;
	batch?: OnlyNewBatch;
}

async function openMemory(ctx: IExecuteFunctions, mapTrack: boolean, lookups: Array<Outcome<ItemLookup>>): Promise<Memory> {
	const onlyNew = mapTrack ? undefined : readOnlyNewSettings(ctx);
	const guard = ctx.getNodeParameter('lockoutGuard', 0, true) as boolean;
	if (!onlyNew && !guard) return {};
	const memory = openNodeMemory(ctx, readMemorySize(ctx), Boolean(onlyNew));
	const now = new Date();
	// Items with bad input are left to runItems to report.
	const requested = lookups.flatMap((lookup) => (lookup.ok ? [lookup.value.ref] : []));
	return {
		lockout: guard ? new LockoutPlan(await reserveQueries(memory, requested, now), now) : undefined,
		batch: onlyNew ? new OnlyNewBatch(memory, onlyNew) : undefined,
	};
}

function fetchShipment(client: Kuaidi100Client, lookup: ItemLookup, mapTrack: boolean, options: RequestOptions) {
	return async (): Promise<Fetched> => {
		const { params, requestKey } = lookup;
		const raw = mapTrack ? await client.mapTrack(params, requestKey) : await client.query(params, requestKey);
		const fetchedAt = new Date();
		const shipment = kuaidi100.normalize(raw, {
			source: 'query',
			fetchedAt,
			sourceTimeZone: options.sourceTimeZone,
			carrier: params.com,
			trackingNumber: params.num,
		});
		return { raw, fetchedAt, shipment };
	};
}

function shipmentItems(mode: OutputMode, fetched: Fetched, mapTrack: boolean, options: RequestOptions, batch?: OnlyNewBatch): IDataObject[] {
	const { raw, shipment } = fetched;
	const extra: IDataObject = {
		delivered_flag: raw.ischeck === '1',
		route: raw.routeInfo ?? null,
		...(normalizeKuaidi100Estimate(raw, options.sourceTimeZone) ?? {}),
		...(mapTrack ? { trail_url: raw.trailUrl ?? null } : {}),
	};
	return batch ? batch.output(mode, shipment, raw, extra) : shipmentOutput(mode, shipment, raw, extra);
}

/**
 * Real-time query (or map track): one request per distinct shipment, normalized per
 * the contract; the lockout guard and "Only New" keep their memory in n8n's store.
 */
export async function execute(this: IExecuteFunctions, mapTrack = false): Promise<INodeExecutionData[]> {
	const options = readRequestOptions(this);
	const { client } = await kuaidi100Client(this, options);
	const lookups = this.getInputData().map((_, itemIndex) => settleSync(() => readLookup(this, itemIndex)));
	const { lockout, batch } = await openMemory(this, mapTrack, lookups);

	const describe = (itemIndex: number): ItemRequest<Result> => {
		const lookup = lookups[itemIndex];
		if (!lookup.ok) throw lookup.error;
		const { ref, requestKey } = lookup.value;
		const mode = this.getNodeParameter('output', itemIndex, 'simplified') as OutputMode;
		const decision = lockout?.decide(ref, requestKey);
		if (decision && !decision.allowed) {
			return { requestKey: `skipped ${requestKey}`, send: async () => ({ skipped: decision.nextQueryAt }), output: () => [skippedItem(ref, decision.nextQueryAt)] };
		}
		return {
			requestKey,
			send: fetchShipment(client, lookup.value, mapTrack, options),
			output: (result) => ('skipped' in result ? [skippedItem(ref, result.skipped)] : shipmentItems(mode, result, mapTrack, options, batch)),
		};
	};
	const checkNews = batch ? async (results: Result[]) => await batch.check(results.flatMap((r) => ('shipment' in r ? [r.shipment] : []))) : undefined;
	return await runItems<Result>(this, describe, options.concurrency, checkNews);
}
