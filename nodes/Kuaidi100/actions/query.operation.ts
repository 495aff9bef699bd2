import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { buildQueryParam } from '../../../src/kuaidi100/client';
import type { Kuaidi100QueryResult } from '../../../src/kuaidi100/types';
import { normalizeKuaidi100Result } from '../../../src/normalize/shipment';
import { runItems } from '../../shared/items';
import { readRequestOptions } from '../../shared/options';
import { outputModeProperty, shipmentOutput, type OutputMode } from '../../shared/output';
import { kuaidi100Client } from '../transport';
import { carrierCodeProperty, phoneProperty, queryOptionsProperty, readQueryParams, trackingNumberProperty } from './common';

const show = { operation: ['query', 'getMapTrack'] };

/** Fields shared by Query and Get Map Track (same request, other endpoint). */
export const description: INodeProperties[] = [
	carrierCodeProperty,
	trackingNumberProperty,
	phoneProperty,
	outputModeProperty,
	queryOptionsProperty,
].map((property) => ({ ...property, displayOptions: { show } }));

/** Real-time query (or map track): one request per distinct shipment, normalized per the contract. */
export async function execute(this: IExecuteFunctions, mapTrack = false): Promise<INodeExecutionData[]> {
	const options = readRequestOptions(this);
	const { client } = await kuaidi100Client(this, options);
	return await runItems<{ raw: Kuaidi100QueryResult; fetchedAt: Date }>(
		this,
		(itemIndex) => {
			const params = readQueryParams(this, itemIndex);
			const mode = this.getNodeParameter('output', itemIndex, 'simplified') as OutputMode;
			return {
				dedupeKey: buildQueryParam(params),
				send: async () => {
					const raw = mapTrack ? await client.mapTrack(params) : await client.query(params);
					return { raw, fetchedAt: new Date() };
				},
				output: ({ raw, fetchedAt }) => {
					const shipment = normalizeKuaidi100Result(raw, {
						source: 'query',
						fetchedAt,
						sourceTimeZone: options.sourceTimeZone,
						carrier: params.com,
						trackingNumber: params.num,
					});
					const extra = {
						delivered_flag: raw.ischeck === '1',
						route: raw.routeInfo ?? null,
						...(raw.arrivalTime ? { estimated_arrival: raw.arrivalTime } : {}),
						...(mapTrack ? { trail_url: raw.trailUrl ?? null } : {}),
					};
					return shipmentOutput(mode, shipment, raw, extra);
				},
			};
		},
		options.concurrency,
	);
}
