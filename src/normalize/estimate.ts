import { text } from './event';
import { DEFAULT_SOURCE_TIME_ZONE, localTimeToUtcIso } from './time';

/**
 * Kuaidi100's arrival estimate (resultv2=8), normalized beside the raw values:
 * `arrivalTime` is a China-time hour ("2024-03-10 16"), converted to UTC by the same
 * rules as event times; `totalTime` / `remainTime` are durations ("3天0小时"), also
 * given in hours.
 */
export interface EstimatedDelivery {
	/** UTC ISO-8601 with milliseconds; '' when absent or unparsable. */
	estimated_arrival: string;
	/** `arrivalTime` exactly as sent. */
	estimated_arrival_local: string;
	/** `totalTime` as sent: the expected door-to-door time. */
	estimated_total_time: string;
	estimated_total_hours: number | null;
	/** `remainTime` as sent: the time still expected; empty once delivered. */
	estimated_remaining_time: string;
	estimated_remaining_hours: number | null;
}

const HOUR_ONLY = /^(\d{4}-\d{1,2}-\d{1,2})[ T](\d{1,2})$/;
const DURATION = /^\s*(?:(\d+)\s*(?:天|d|days?)\s*)?(?:(\d+)\s*(?:小时|h|hours?)\s*)?$/i;

/** The service's hour-precision time as a full local time, so the event-time rules apply. */
function arrivalUtc(local: string, timeZone: string): string {
	const hourOnly = HOUR_ONLY.exec(local.trim());
	return localTimeToUtcIso(hourOnly ? `${hourOnly[1]} ${hourOnly[2]}:00:00` : local, timeZone);
}

/** "1天17小时" -> 41; null when absent or in a form not known. */
export function durationHours(value: string): number | null {
	const match = DURATION.exec(value);
	if (!value.trim() || !match || (match[1] === undefined && match[2] === undefined)) return null;
	return Number(match[1] ?? 0) * 24 + Number(match[2] ?? 0);
}

/** Undefined when the reply carries no estimate (resultv2 below 8). */
export function normalizeKuaidi100Estimate(
	result: Record<string, unknown>,
	timeZone: string = DEFAULT_SOURCE_TIME_ZONE,
): EstimatedDelivery | undefined {
	if (!('arrivalTime' in result) && !('totalTime' in result) && !('remainTime' in result)) return undefined;
	const arrival = text(result.arrivalTime);
	const total = text(result.totalTime);
	const remaining = text(result.remainTime);
	return {
		estimated_arrival: arrival ? arrivalUtc(arrival, timeZone) : '',
		estimated_arrival_local: arrival,
		estimated_total_time: total,
		estimated_total_hours: durationHours(total),
		estimated_remaining_time: remaining,
		estimated_remaining_hours: durationHours(remaining),
	};
}
