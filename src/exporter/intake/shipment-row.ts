import type { Provider } from '../../core/tracking-api-error';
import { shipmentKey } from '../../core/keys';
import { shipmentProblem, type ShipmentFields } from '../../core/validation';
import { PROVIDERS } from '../../providers';

/** One shipment to watch, from one row of the list. */
export interface Shipment {
	provider: Provider;
	/** Carrier code as the service names it, lower case. */
	carrier: string;
	trackingNumber: string;
	phone?: string;
	shipFrom?: string;
	shipTo?: string;
	/** Line of the row in the list (1-based, the CSV header is line 1). */
	line: number;
	/** provider:carrier:tracking_number, the key of the shipment in the state. */
	key: string;
}

/** Column names and the aliases accepted for them (case-insensitive). */
export const COLUMN_ALIASES: Record<keyof RawRow, string[]> = {
	provider: ['provider', 'service'],
	carrier: ['carrier', 'carrier_id', 'com', 'company', 'carrier_code'],
	tracking_number: ['tracking_number', 'trackingnumber', 'num', 'number', 'tracking_no'],
	phone: ['phone', 'mobile', 'telephone'],
	ship_from: ['ship_from', 'from', 'shipfrom'],
	ship_to: ['ship_to', 'to', 'shipto'],
};

export interface RawRow {
	provider: unknown;
	carrier: unknown;
	tracking_number: unknown;
	phone: unknown;
	ship_from: unknown;
	ship_to: unknown;
}

function field(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return '\u0000invalid';
}

/** Where a bad value sits, for the shared shipment rule's messages. */
const LIST_COLUMNS: ShipmentFields = {
	carrier: 'the carrier column',
	trackingNumber: 'the tracking_number column',
	phone: 'the phone column',
};

/** The services a row may name: the provider registry's. */
const PROVIDER_NAMES = Object.keys(PROVIDERS).join(' or ');

function isProvider(name: string): name is Provider {
	return Object.hasOwn(PROVIDERS, name);
}

/** Validates one row; returns the shipment or the reason it is bad. */
export function validateRow(raw: RawRow, line: number): Shipment | string {
	const provider = field(raw.provider).toLowerCase();
	const carrier = field(raw.carrier).toLowerCase();
	const trackingNumber = field(raw.tracking_number);
	const phone = field(raw.phone);
	const shipFrom = field(raw.ship_from);
	const shipTo = field(raw.ship_to);
	for (const [name, value] of Object.entries({ provider, carrier, tracking_number: trackingNumber, phone, ship_from: shipFrom, ship_to: shipTo })) {
		if (value.includes('\u0000')) return `${name} must be text`;
	}
	if (!provider) return `provider is missing (${PROVIDER_NAMES})`;
	if (!isProvider(provider)) return `provider "${provider}" is not ${PROVIDER_NAMES}`;
	const problem = shipmentProblem({ provider, carrier, trackingNumber, phone }, LIST_COLUMNS);
	if (problem) return problem;
	if (shipFrom.length > 200 || shipTo.length > 200) return 'ship_from / ship_to are longer than 200 characters';
	return {
		provider,
		carrier,
		trackingNumber,
		...(phone ? { phone } : {}),
		...(shipFrom ? { shipFrom } : {}),
		...(shipTo ? { shipTo } : {}),
		line,
		key: shipmentKey(provider, carrier, trackingNumber),
	};
}

export function columnIndex(header: string[]): { index: Partial<Record<keyof RawRow, number>>; unknown: string[] } {
	const index: Partial<Record<keyof RawRow, number>> = {};
	const unknown: string[] = [];
	header.forEach((name, i) => {
		const normalized = name.trim().toLowerCase().replace(/[\s-]+/g, '_');
		const column = (Object.keys(COLUMN_ALIASES) as Array<keyof RawRow>).find((key) =>
			COLUMN_ALIASES[key].includes(normalized),
		);
		if (column && index[column] === undefined) index[column] = i;
		else if (normalized) unknown.push(name);
	});
	return { index, unknown };
}

/** A row's raw values, column by column. */
export function rawRow(pick: (column: keyof RawRow) => unknown): RawRow {
	return Object.fromEntries((Object.keys(COLUMN_ALIASES) as Array<keyof RawRow>).map((column) => [column, pick(column)])) as unknown as RawRow;
}
