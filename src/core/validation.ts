/**
 * Input checks done before any request, so a typo costs no quota and no lockout.
 * Each returns a sentence saying what is wrong and how to fix it, or undefined.
 * What differs between the services (field names, lengths, carriers needing a phone)
 * is read from the registry's facts, not branched on here.
 */
import { SERVICES, type Provider } from '../providers/services';


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

function nodeFields(provider: Provider): ShipmentFields {
	return { carrier: `the ${SERVICES[provider].carrierField} field`, trackingNumber: 'the Tracking Number field', phone: 'the Phone field' };
}

export const NODE_FIELDS: Readonly<Record<Provider, ShipmentFields>> = {
	kuaidi100: nodeFields('kuaidi100'),
	keydelivery: nodeFields('keydelivery'),
};

export function trackingNumberProblem(
	trackingNumber: string,
	{ min, max }: { min: number; max: number } = SERVICES.kuaidi100.trackingNumberLength,
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

/** A carrier of `provider` that requires a phone (Kuaidi100's SF Express) without one. */
export function requiredPhoneProblem(provider: Provider, carrier: string, phone: string | undefined, where = NODE_FIELDS[provider].phone): string | undefined {
	if (SERVICES[provider].phoneRequiredCarriers.has(carrier.trim()) && !(phone ?? '').trim()) {
		return `Carrier "${carrier.trim()}" (SF Express) requires the sender's or recipient's phone number, or its last 4 digits. Fill in ${where}.`;
	}
	return undefined;
}

/** The one shipment rule of the nodes, the trigger and the exporter: carrier, number, phone. */
export function shipmentProblem(
	input: { provider: Provider; carrier: string; trackingNumber: string; phone?: string },
	where: ShipmentFields = NODE_FIELDS[input.provider],
): string | undefined {
	const service = SERVICES[input.provider];
	return (
		carrierCodeProblem(input.carrier, service.carrierField, service.carrierExample, where.carrier) ??
		trackingNumberProblem(input.trackingNumber, service.trackingNumberLength, where.trackingNumber) ??
		phoneProblem(input.phone, where.phone) ??
		requiredPhoneProblem(input.provider, input.carrier, input.phone, where.phone)
	);
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
