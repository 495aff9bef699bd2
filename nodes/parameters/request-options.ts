import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';
import type { CallSettings } from '../../src/core/call';
import { DEFAULT_RETRY } from '../../src/core/retry';
import { DEFAULT_SOURCE_TIME_ZONE } from '../../src/normalize/time';

/** The service's own event order (both services accept `order`). */
export const eventOrderProperty: INodeProperties = {
	displayName: 'Order',
	name: 'order',
	type: 'options',
	default: 'desc',
	options: [
		{ name: 'Newest First', value: 'desc' },
		{ name: 'Oldest First', value: 'asc' },
	],
	description: 'Order of events in the raw reply (normalized events are always newest first)',
};

/** Request tuning shared by the Kuaidi100 and KeyDelivery nodes. */
export const requestOptionsProperties: INodeProperties[] = [
	{
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 50 },
		default: 5,
		description: 'How many requests may be in flight at once across the input items',
	},
	{
		displayName: 'Timeout (Ms)',
		name: 'timeoutMs',
		type: 'number',
		typeOptions: { minValue: 1000 },
		default: 15000,
		description: 'How long to wait for one answer before retrying or failing',
	},
	{
		displayName: 'Attempts',
		name: 'attempts',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 10 },
		default: 3,
		description:
			'Total tries per request. Only temporary failures (server busy or down, network errors, timeouts) are retried, with exponential backoff.',
	},
	{
		displayName: 'Source Time Zone',
		name: 'sourceTimeZone',
		type: 'string',
		default: DEFAULT_SOURCE_TIME_ZONE,
		description:
			'Time zone of the times the service sends (they carry none), as an IANA name or an offset like +08:00. Event times are output in UTC.',
	},
];

/** The node-wide "Options" collection of both service nodes. */
export const requestOptionsCollection: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: requestOptionsProperties,
};

export interface RequestOptions extends CallSettings {
	concurrency: number;
	sourceTimeZone: string;
}

/** Reads the node-wide options (from the first item: they tune the node, not an item). */
export function readRequestOptions(ctx: IExecuteFunctions): RequestOptions {
	const options = ctx.getNodeParameter('options', 0, {}) as {
		concurrency?: number;
		timeoutMs?: number;
		attempts?: number;
		sourceTimeZone?: string;
	};
	return {
		concurrency: options.concurrency ?? 5,
		timeoutMs: options.timeoutMs ?? 15000,
		retry: { ...DEFAULT_RETRY, attempts: options.attempts ?? DEFAULT_RETRY.attempts },
		sleep,
		sourceTimeZone: options.sourceTimeZone || DEFAULT_SOURCE_TIME_ZONE,
	};
}
