/**
 * Input checks done before any request, so a typo costs no quota and no lockout.
 * Each returns a sentence saying what is wrong and how to fix it, or undefined.
 */

/** Tracking number lengths each service accepts (KeyDelivery's are worldwide: wider). */
export const TRACKING_NUMBER_LENGTH = {
	kuaidi100: { min: 6, max: 32 },
	keydelivery: { min: 4, max: 64 },
} as const;

/** Carriers whose Kuaidi100 queries require the sender's or recipient's phone. */
export const KUAIDI100_PHONE_REQUIRED = new Set(['shunfeng', 'shunfengkuaiyun']);

/** Carrier codes of both services: lower-case letters, digits, "_" and "-" (e.g. yuantong, royal-mail, 4px). */
export const CARRIER_CODE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Waybill numbers: letters and digits, with "-" or "_" inside. */
export const TRACKING_NUMBER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
/** A phone number as carriers register it, or its last 4 digits. */
export const PHONE_PATTERN = /^\+?[0-9][0-9 ()-]{2,24}$/;

/**
 * Where a value came from, in the words of the caller: "the Tracking Number
 * field" in a node, "the tracking_number column" in the exporter's list.
 */
export interface ShipmentFields {
	carrier: string;
	trackingNumber: string;
	phone: string;
}

export const NODE_FIELDS: Readonly<Record<'kuaidi100' | 'keydelivery', ShipmentFields>> = {
	kuaidi100: { carrier: 'the Carrier Code field', trackingNumber: 'the Tracking Number field', phone: 'the Phone field' },
	keydelivery: { carrier: 'the Carrier ID field', trackingNumber: 'the Tracking Number field', phone: 'the Phone field' },
};

export function trackingNumberProblem(
	trackingNumber: string,
	{ min, max }: { min: number; max: number } = TRACKING_NUMBER_LENGTH.kuaidi100,
	where = NODE_FIELDS.kuaidi100.trackingNumber,
): string | undefined {
	const value = trackingNumber.trim();
	if (!value) return `The tracking number is empty. Fill in ${where}.`;
	if (value.length < min || value.length > max) {
		return `The tracking number "${value}" has ${value.length} characters; it must have ${min} to ${max}. Check ${where}.`;
	}
	if (!TRACKING_NUMBER_PATTERN.test(value)) {
		return `The tracking number "${value}" may hold only letters, digits, "-" and "_". Check ${where}.`;
	}
	return undefined;
}

/** `fieldName` and `example` in the words of the service: "Carrier ID" and "usps" for KeyDelivery. */
export function carrierCodeProblem(
	carrier: string,
	fieldName = 'Carrier Code',
	example = 'yuantong',
	where = `the ${fieldName} field`,
): string | undefined {
	const value = carrier.trim();
	const noun = fieldName.toLowerCase();
	if (!value) {
		const detect = where.endsWith(' field') ? ', or use Detect Carrier first' : '';
		return `The ${noun} is empty. Fill in ${where} (e.g. "${example}")${detect}.`;
	}
	if (value !== value.toLowerCase()) {
		return `The ${noun} "${value}" must be lower case: use "${value.toLowerCase()}" in ${where}.`;
	}
	if (!CARRIER_CODE_PATTERN.test(value)) {
		return `The ${noun} "${value}" has characters a ${noun} never has; use one from the carrier list (letters, digits, "_" or "-"), e.g. "${example}".`;
	}
	return undefined;
}

export function phoneProblem(phone: string | undefined, where = NODE_FIELDS.kuaidi100.phone): string | undefined {
	const value = (phone ?? '').trim();
	if (value && !PHONE_PATTERN.test(value)) {
		return `The phone "${value}" is not a phone number (digits, with + ( ) - or spaces; or its last 4 digits). Check ${where}.`;
	}
	return undefined;
}

export function kuaidi100PhoneProblem(carrier: string, phone: string | undefined, where = NODE_FIELDS.kuaidi100.phone): string | undefined {
	if (KUAIDI100_PHONE_REQUIRED.has(carrier.trim()) && !(phone ?? '').trim()) {
		return `Carrier "${carrier.trim()}" (SF Express) requires the sender's or recipient's phone number, or its last 4 digits. Fill in ${where}.`;
	}
	return undefined;
}

/** The one shipment rule of the nodes, the trigger and the exporter: carrier, number, phone. */
export function shipmentProblem(
	input: { provider: 'kuaidi100' | 'keydelivery'; carrier: string; trackingNumber: string; phone?: string },
	where: ShipmentFields = NODE_FIELDS[input.provider],
): string | undefined {
	const kuaidi100 = input.provider === 'kuaidi100';
	return (
		carrierCodeProblem(input.carrier, kuaidi100 ? 'Carrier Code' : 'Carrier ID', kuaidi100 ? 'yuantong' : 'usps', where.carrier) ??
		trackingNumberProblem(input.trackingNumber, TRACKING_NUMBER_LENGTH[input.provider], where.trackingNumber) ??
		phoneProblem(input.phone, where.phone) ??
		(kuaidi100 ? kuaidi100PhoneProblem(input.carrier, input.phone, where.phone) : undefined)
	);
}

export function kuaidi100QueryProblem(input: { carrier: string; trackingNumber: string; phone?: string }): string | undefined {
	return shipmentProblem({ provider: 'kuaidi100', ...input });
}

export function httpUrlProblem(url: string, fieldName: string): string | undefined {
	const value = url.trim();
	if (!value) return `The ${fieldName} is empty. Fill it in with the http(s) URL that should receive updates.`;
	let parsed: URL;
	try {
		parsed = new URL(value);
	} catch {
		return `The ${fieldName} "${value}" is not a valid URL. Use a full http(s) URL such as https://example.com/webhook.`;
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		return `The ${fieldName} "${value}" must start with http:// or https://.`;
	}
	return undefined;
}
