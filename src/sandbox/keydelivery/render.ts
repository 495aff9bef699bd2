/**
 * How KeyDelivery renders a timeline: realtime replies and webhook items
 * (area_show, order). Pure functions, no I/O.
 */
import type { SandboxEvent, SandboxShipment } from '../types';

export interface KeyDeliveryRenderOptions {
	/** 1/true: items carry order_status_code, order_status_description, area_name, location. */
	areaShow?: boolean | number;
	/** 'desc' (default) or 'asc'. */
	order?: string;
}

/** KeyDelivery writes missing values as the string "null" (as its examples show); explicit nulls stay null. */
function kdValue(value: string | null | undefined): string | null {
	return value === undefined ? 'null' : value;
}

/** KeyDelivery's shipment-level order_status_code is a number in its examples. */
export function keyDeliveryCode(code: string | undefined): number | string | null {
	if (code === undefined || code === '') return null;
	return /^\d+$/.test(code) ? Number(code) : code;
}

/** KeyDelivery `items[]` from events given oldest first. */
export function renderKeyDeliveryItems(events: SandboxEvent[], options: KeyDeliveryRenderOptions = {}): Array<Record<string, unknown>> {
	const areaShow = options.areaShow === true || Number(options.areaShow) === 1;
	const ordered = options.order === 'asc' ? events : [...events].reverse();
	return ordered.map((event) =>
		areaShow
			? {
					context: event.context,
					time: event.time,
					order_status_code: event.statusCode,
					order_status_description: event.status,
					area_name: kdValue(event.areaName),
					location: kdValue(event.location),
				}
			: { context: event.context, time: event.time, area_name: 'null', location: 'null' },
	);
}

/** The `data` of a KeyDelivery realtime reply. */
export function renderKeyDeliveryRealtime(
	shipment: SandboxShipment,
	options: KeyDeliveryRenderOptions & { visible?: number; carrierId?: string } = {},
): Record<string, unknown> {
	const visible = shipment.timeline.slice(0, options.visible ?? shipment.timeline.length);
	return {
		carrier_id: options.carrierId ?? shipment.carrier,
		tracking_number: shipment.trackingNumber,
		order_status_code: keyDeliveryCode(visible[visible.length - 1]?.statusCode),
		items: renderKeyDeliveryItems(visible, options),
	};
}
