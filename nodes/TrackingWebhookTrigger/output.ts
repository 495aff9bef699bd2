import type { IDataObject } from 'n8n-workflow';
import { eventDedupKey, milestoneDedupKey, pushStatusDedupKey } from '../../src/core/keys';
import type { TrackingEvent } from '../../src/normalize/event';
import type { PushSelection } from '../../src/push/memory';
import type { ReceivedPush } from '../../src/push/receive';

/** The query parameter that carries the KeyDelivery webhook token. */
export const TOKEN_PARAMETER = 'token';

/** The user's own callback URL parameters (e.g. an order ID), without the secret token. */
export function callbackParameters(query: Record<string, unknown>): IDataObject {
	const params: IDataObject = {};
	for (const [name, value] of Object.entries(query)) {
		if (name !== TOKEN_PARAMETER) params[name] = value as IDataObject[string];
	}
	return params;
}

/**
 * With the milestone filter, "New Events" means the events that reached a chosen
 * milestone (one email per delivery, not one per scan); when only the shipment as a
 * whole reached it, its newest event stands for it.
 */
function eventsToEmit(push: ReceivedPush, selection: PushSelection): TrackingEvent[] {
	if (selection.matchedMilestones.length === 0) return selection.newEvents;
	const matched = selection.newEvents.filter((event) => selection.matchedMilestones.includes(event.status));
	return matched.length > 0 ? matched : push.shipment.events.slice(0, 1);
}

/**
 * The stable key a downstream atomic step (e.g. Redis INCR in queue mode) dedups on:
 * the same for every push, process and execution that emits the same thing.
 * Milestone items: "this shipment reached this milestone"; other items: the event.
 */
function milestoneKey(push: ReceivedPush, milestone: string): string {
	const { provider, carrier, tracking_number: trackingNumber } = push.shipment;
	return milestoneDedupKey(provider, carrier, trackingNumber, milestone);
}

/** A shipment item: its (first) milestone, else its newest new event, else its push status change. */
function shipmentItemKey(push: ReceivedPush, selection: PushSelection): string {
	if (selection.matchedMilestones.length > 0) return milestoneKey(push, selection.matchedMilestones[0]);
	const newest = selection.newEvents[0];
	if (newest) return eventDedupKey(newest.event_id);
	const { provider, carrier, tracking_number: trackingNumber } = push.shipment;
	return pushStatusDedupKey(provider, carrier, trackingNumber, push.pushStatus);
}

export function buildOutput(
	mode: 'shipment' | 'events',
	push: ReceivedPush,
	selection: PushSelection,
	callback: IDataObject,
): IDataObject[] {
	const context = {
		push_status: push.pushStatus,
		push_message: push.pushMessage,
		carrier_correction: push.carrierCorrection,
		callback_params: callback,
	};
	if (mode === 'events') {
		const matched = selection.matchedMilestones;
		return eventsToEmit(push, selection).map((event) => ({
			...(event as unknown as IDataObject),
			...context,
			dedup_key:
				matched.length === 0
					? eventDedupKey(event.event_id)
					: milestoneKey(push, matched.includes(event.status) ? event.status : matched[0]),
		}));
	}
	return [
		{
			...(push.shipment as unknown as IDataObject),
			new_events: selection.newEvents as unknown as IDataObject[],
			matched_milestones: selection.matchedMilestones,
			...context,
			dedup_key: shipmentItemKey(push, selection),
			raw: push.raw as IDataObject,
		},
	];
}
