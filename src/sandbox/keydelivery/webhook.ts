/** The webhooks KeyDelivery POSTs to a tracking's webhook_url (JSON, no signature header). */
import type { BuiltPush, PushInput, Pusher } from '../push';
import { BASIC_NAME_EN, basicStatusCode, isDeliveredCode } from '../status-codes';
import type { SandboxEvent } from '../types';
import { keyDeliveryCode, renderKeyDeliveryItems } from './render';

export interface KeyDeliveryWebhookInput {
	carrier_id: string;
	tracking_number: string;
	/** Items as the service sends them; or give `events` (oldest first) to render them. */
	items?: Array<Record<string, unknown>>;
	events?: SandboxEvent[];
	/** Used with `events`; default true. */
	areaShow?: boolean;
	/** Used with `events`; default 'desc'. */
	order?: 'asc' | 'desc';
	/** Default: the English status name of the newest event (e.g. 'Delivered'). */
	event?: string;
	/** Default 'Success'. Expiry notices say e.g. 'No tracking information for 3 days'. */
	message?: string;
	/** Default 1 when the newest event is a delivery, else 0. */
	signer?: string | number;
	/** Default the newest event's code (as a number). */
	order_status_code?: string | number | null;
}

/** A KeyDelivery webhook body (POST, application/json, no signature header). */
export function buildKeyDeliveryWebhook(input: KeyDeliveryWebhookInput): BuiltPush & { payload: Record<string, unknown> } {
	const events = input.events ?? [];
	const newest = events[events.length - 1];
	const items = input.items ?? renderKeyDeliveryItems(events, { areaShow: input.areaShow ?? true, order: input.order });
	const basic = newest ? basicStatusCode(newest.statusCode) : undefined;
	const payload: Record<string, unknown> = {
		event: input.event ?? (newest ? (basic !== undefined ? BASIC_NAME_EN[basic] : newest.status) : 'No information'),
		message: input.message ?? 'Success',
		carrier_id: input.carrier_id,
		tracking_number: input.tracking_number,
		signer: input.signer ?? (newest && isDeliveredCode(newest.statusCode) ? 1 : 0),
		order_status_code: input.order_status_code !== undefined ? input.order_status_code : keyDeliveryCode(newest?.statusCode),
		items,
	};
	return { body: JSON.stringify(payload), contentType: 'application/json', payload };
}

export const keyDeliveryPusher: Pusher = {
	build({ subscription, events, options }: PushInput): BuiltPush {
		const nothingFound = events.length === 0;
		return buildKeyDeliveryWebhook({
			carrier_id: subscription.carrier,
			tracking_number: subscription.trackingNumber,
			items: renderKeyDeliveryItems(events, { areaShow: subscription.areaShow }),
			events,
			event: options.event ?? (nothingFound ? 'expired' : undefined),
			message: options.message ?? (nothingFound ? 'No tracking information for 3 days' : undefined),
		});
	},
	/** KeyDelivery counts any HTTP 200 as delivered. */
	acknowledged: (status: number): boolean => status === 200,
};
