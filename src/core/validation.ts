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

export function trackingNumberProblem(
	trackingNumber: string,
	{ min, max }: { min: number; max: number } = TRACKING_NUMBER_LENGTH.kuaidi100,
): string | undefined {
	const value = trackingNumber.trim();
	if (!value) return 'The tracking number is empty. Fill in the Tracking Number field.';
	if (value.length < min || value.length > max) {
		return `The tracking number "${value}" has ${value.length} characters; it must have ${min} to ${max}. Check the Tracking Number field.`;
	}
	return undefined;
}

/** `fieldName` and `example` in the words of the service: "Carrier ID" and "usps" for KeyDelivery. */
export function carrierCodeProblem(carrier: string, fieldName = 'Carrier Code', example = 'yuantong'): string | undefined {
	const value = carrier.trim();
	const noun = fieldName.toLowerCase();
	if (!value) {
		return `The ${noun} is empty. Fill in the ${fieldName} field (e.g. "${example}"), or use Detect Carrier first.`;
	}
	if (value !== value.toLowerCase()) {
		return `The ${noun} "${value}" must be lower case: use "${value.toLowerCase()}" in the ${fieldName} field.`;
	}
	if (!/^[a-z0-9_-]+$/.test(value)) {
		return `The ${noun} "${value}" has characters a ${noun} never has; use one from the carrier list (letters, digits, "_" or "-"), e.g. "${example}".`;
	}
	return undefined;
}

export function kuaidi100PhoneProblem(carrier: string, phone: string | undefined): string | undefined {
	if (KUAIDI100_PHONE_REQUIRED.has(carrier.trim()) && !(phone ?? '').trim()) {
		return `Carrier "${carrier.trim()}" (SF Express) requires the sender's or recipient's phone number, or its last 4 digits. Fill in the Phone field.`;
	}
	return undefined;
}

export function kuaidi100QueryProblem(input: { carrier: string; trackingNumber: string; phone?: string }): string | undefined {
	return (
		carrierCodeProblem(input.carrier) ??
		trackingNumberProblem(input.trackingNumber) ??
		kuaidi100PhoneProblem(input.carrier, input.phone)
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
