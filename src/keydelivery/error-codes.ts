import type { ErrorExplanation } from '../core/tracking-api-error';

export const KEYDELIVERY_ERRORS: Record<string, ErrorExplanation> = {
	'101': {
		meaning: 'Wrong HTTP method',
		remedy: 'KeyDelivery accepts POST only; check that the base URL is the service root (https://www.kd100.com).',
		retryable: false,
	},
	'102': {
		meaning: 'Header error: the API-Key, signature or Content-Type header is missing or malformed',
		remedy: 'Check the API Key in the credential; if it is right, report this as a bug of this node.',
		retryable: false,
	},
	'103': {
		meaning: 'The request body is not valid JSON',
		remedy: 'Check the text fields for unusual characters; if they are fine, report this as a bug of this node.',
		retryable: false,
	},
	'104': {
		meaning: 'Invalid signature: the Secret does not match the API Key',
		remedy: 'Copy the API Key and the Secret from the KeyDelivery API management page into the credential again.',
		retryable: false,
		fatal: true,
	},
	'105': {
		meaning: 'Parameter error',
		remedy: 'Check the carrier id, the tracking number and the optional fields (phone, ship from/to, webhook URL).',
		retryable: false,
	},
	'106': {
		meaning: 'The account is blocked',
		remedy: 'Contact KeyDelivery support to unblock the account.',
		retryable: false,
		fatal: true,
	},
	'401': {
		meaning: 'The quota is exhausted',
		remedy: 'Buy more quota or upgrade the KeyDelivery plan, then try again.',
		retryable: false,
		fatal: true,
	},
	'404': {
		meaning: 'Invalid API Key',
		remedy: 'Copy the API Key from the KeyDelivery API management page into the credential again.',
		retryable: false,
		fatal: true,
	},
	'405': {
		meaning: 'Invalid carrier id',
		remedy: 'Use the carrier id from the KeyDelivery carrier list (e.g. usps, dhl), or run Detect Carrier first.',
		retryable: false,
	},
	'406': {
		meaning: 'The carrier cannot be detected for this tracking number',
		remedy: 'Check the tracking number, or give the carrier id yourself.',
		retryable: false,
	},
	'500': {
		meaning: 'KeyDelivery server error',
		remedy: 'A temporary fault at KeyDelivery; it was retried with backoff. Try again later.',
		retryable: true,
	},
	'60101': {
		meaning: 'No tracking result yet for this number',
		remedy: 'The carrier has no record yet; try again later, or create a tracking with a webhook to be told when it appears.',
		retryable: false,
	},
	'60201': {
		meaning: 'The tracking already exists',
		remedy: 'Nothing to do: updates keep arriving at the webhook given when it was created.',
		retryable: false,
	},
};
