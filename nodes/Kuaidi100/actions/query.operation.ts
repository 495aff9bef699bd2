import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { buildQueryParam } from '../../../src/kuaidi100/client';
import type { Kuaidi100QueryParams, Kuaidi100QueryResult } from '../../../src/kuaidi100/types';
import { normalizeKuaidi100Estimate } from '../../../src/normalize/estimate';
import { normalizeKuaidi100Result, type NormalizedShipment } from '../../../src/normalize/shipment';
import { runItems } from '../../shared/items';
import { LockoutPlan, lockoutGuardProperty, reserveQueries, skippedItem, type ShipmentRef } from '../../shared/lockout';
import { openNodeMemory, type KeyMemory } from '../../shared/nodeMemory';
import { OnlyNewBatch, onlyNewProperties, readMemorySize, readOnlyNewSettings } from '../../shared/onlyNew';
import { readRequestOptions, type RequestOptions } from '../../shared/options';
import { outputModeProperty, shipmentOutput, type OutputMode } from '../../shared/output';
import { kuaidi100Client } from '../transport';
import { carrierCodeProperty, phoneProperty, queryOptionsProperty, readQueryParams, trackingNumberProperty } from './common';

const show = { operation: ['query', 'getMapTrack'] };

/** Fields shared by Query and Get Map Track (same request, other endpoint). */
export const description: INodeProperties[] = [
	...[carrierCodeProperty, trackingNumberProperty, phoneProperty, outputModeProperty].map((property) => ({
		...property,
		displayOptions: { show },
	})),
	...onlyNewProperties({ operation: ['query'] }),
	{ ...lockoutGuardProperty, displayOptions: { show } },
	{ ...queryOptionsProperty, displayOptions: { show } },
];

type Fetched = { raw: Kuaidi100QueryResult; fetchedAt: Date; shipment: NormalizedShipment };
type Outcome = Fetched | { skipped: Date };

function refOf(params: Kuaidi100QueryParams): ShipmentRef {
	return { provider: 'kuaidi100', carrier: params.com.toLowerCase(), trackingNumber: params.num };
}

/** The numbers the items ask for; items with bad input are left to runItems to report. */
function requestedShipments(ctx: IExecuteFunctions): ShipmentRef[] {
	return ctx.getInputData().flatMap((_, itemIndex) => {
		try {
			return [refOf(readQueryParams(ctx, itemIndex))];
		} catch {
			return [];
		}
	});
}

function normalize(raw: Kuaidi100QueryResult, fetchedAt: Date, params: Kuaidi100QueryParams, options: RequestOptions) {
	return normalizeKuaidi100Result(raw, {
		source: 'query',
		fetchedAt,
		sourceTimeZone: options.sourceTimeZone,
		carrier: params.com,
		trackingNumber: params.num,
	});
}

/**
 * Real-time query (or map track): one request per distinct shipment, normalized per
 * the contract; the lockout guard and "Only New" keep their memory in n8n's store.
 */
export async function execute(this: IExecuteFunctions, mapTrack = false): Promise<INodeExecutionData[]> {
	const options = readRequestOptions(this);
	const onlyNew = mapTrack ? undefined : readOnlyNewSettings(this);
	const guard = this.getNodeParameter('lockoutGuard', 0, true) as boolean;
	const { client } = await kuaidi100Client(this, options);

	let memory: KeyMemory | undefined;
	if (onlyNew || guard) memory = openNodeMemory(this, readMemorySize(this), Boolean(onlyNew));
	const now = new Date();
	const lockout = guard && memory ? new LockoutPlan(await reserveQueries(memory, requestedShipments(this), now), now) : undefined;
	const batch = onlyNew && memory ? new OnlyNewBatch(memory, onlyNew) : undefined;

	return await runItems<Outcome>(
		this,
		(itemIndex) => {
			const params = readQueryParams(this, itemIndex);
			const mode = this.getNodeParameter('output', itemIndex, 'simplified') as OutputMode;
			const ref = refOf(params);
			const requestKey = buildQueryParam(params);
			const decision = lockout?.decide(ref, requestKey);
			if (decision && !decision.allowed) {
				return {
					dedupeKey: `skipped ${requestKey}`,
					send: async () => ({ skipped: decision.nextQueryAt }),
					output: () => [skippedItem(ref, decision.nextQueryAt)],
				};
			}
			return {
				dedupeKey: requestKey,
				send: async () => {
					const raw = mapTrack ? await client.mapTrack(params) : await client.query(params);
					const fetchedAt = new Date();
					return { raw, fetchedAt, shipment: normalize(raw, fetchedAt, params, options) };
				},
				output: (outcome) => {
					if ('skipped' in outcome) return [skippedItem(ref, outcome.skipped)];
					const { raw, shipment } = outcome;
					const extra: IDataObject = {
						delivered_flag: raw.ischeck === '1',
						route: raw.routeInfo ?? null,
						...(normalizeKuaidi100Estimate(raw, options.sourceTimeZone) ?? {}),
						...(mapTrack ? { trail_url: raw.trailUrl ?? null } : {}),
					};
					return batch ? batch.output(mode, shipment, raw, extra) : shipmentOutput(mode, shipment, raw, extra);
				},
			};
		},
		options.concurrency,
		batch
			? async (outcomes) => await batch.check(outcomes.flatMap((outcome) => ('shipment' in outcome ? [outcome.shipment] : [])))
			: undefined,
	);
}
