import type { ErrorExplanation } from '../core/tracking-api-error';

/** Real-time query and map track codes (returned inside HTTP 200 bodies). */
export const KUAIDI100_QUERY_ERRORS: Record<string, ErrorExplanation> = {
	'400': {
		meaning: 'Bad request: the carrier code was not found, data is incomplete, or the account is not funded',
		remedy: 'Check the carrier code (lower case, from the Kuaidi100 code table) and the tracking number, and that the account has balance.',
		retryable: false,
	},
	'408': {
		meaning: 'Phone verification failed',
		remedy: "Give the sender's or recipient's phone number (or its last 4 digits) as registered with the carrier; SF Express requires it.",
		retryable: false,
	},
	'500': {
		meaning: 'No tracking result yet for this number',
		remedy: 'The carrier has no record yet; query again much later (not within 30 minutes, or the number may be locked).',
		retryable: false,
	},
	'501': {
		meaning: 'Kuaidi100 server error',
		remedy: 'A temporary fault at Kuaidi100; it was retried with backoff. Try again later, and check the carrier code if it persists.',
		retryable: true,
	},
	'502': {
		meaning: 'Kuaidi100 server busy',
		remedy: 'A temporary overload at Kuaidi100; it was retried with backoff. Try again later.',
		retryable: true,
	},
	'503': {
		meaning: 'Signature verification failed: the Customer or the Key is wrong',
		remedy: 'Copy the Customer (authorization code) and the Key from the Kuaidi100 console into the credential again.',
		retryable: false,
		fatal: true,
	},
	'601': {
		meaning: 'The key has expired or the account has no quota left',
		remedy: 'Recharge the Kuaidi100 account or renew the key, then try again.',
		retryable: false,
		fatal: true,
	},
};

/**
 * Kuaidi100 answers a locked number with the same code as a wrong carrier (400);
 * only its message tells them apart. Advice for a lock must not send people to
 * change a carrier code that is right.
 */
export const KUAIDI100_LOCKED: ErrorExplanation = {
	meaning: 'The number is locked: it was queried again within 30 minutes of an earlier query',
	remedy: 'Do not query this number for at least 30 minutes (each early query can extend the lock); query a number at most every 30 minutes, or subscribe to push updates instead.',
	retryable: false,
};

/** The message of a lock reply (Chinese "锁定" / "频繁", or English wording). */
export function isLockedMessage(message: unknown): boolean {
	return typeof message === 'string' && /锁定|频繁|\block(ed|out)?\b|too (often|frequent)/i.test(message);
}

/** Subscribe (push tracking) codes: several differ in meaning from the query codes. */
export const KUAIDI100_SUBSCRIBE_ERRORS: Record<string, ErrorExplanation> = {
	'500': {
		meaning: 'Kuaidi100 server error',
		remedy: 'A temporary fault at Kuaidi100; it was retried with backoff. Try again later.',
		retryable: true,
	},
	'600': {
		meaning: 'The key is not valid',
		remedy: 'Copy the Key from the Kuaidi100 console into the credential again.',
		retryable: false,
		fatal: true,
	},
	'601': KUAIDI100_QUERY_ERRORS['601'],
	'700': {
		meaning: 'Bad subscription data: the callback URL or a parameter is invalid, or the carrier is not supported',
		remedy: 'Check that the callback URL is a public http(s) URL and that the carrier code and tracking number are right.',
		retryable: false,
	},
	'701': {
		meaning: 'The carrier does not allow push subscriptions',
		remedy: 'Use the Query operation on a schedule for this carrier instead.',
		retryable: false,
	},
	'702': {
		meaning: 'The carrier could not be identified',
		remedy: 'Give the carrier code explicitly instead of relying on auto-detection.',
		retryable: false,
	},
};

/** Carrier auto-detection reports errors in the same envelope. */
export const KUAIDI100_DETECT_ERRORS: Record<string, ErrorExplanation> = {
	...KUAIDI100_QUERY_ERRORS,
	'400': {
		meaning: 'Carrier detection was refused: bad request, or the account cannot use auto-detection',
		remedy: 'Carrier auto-detection is available to paid Kuaidi100 accounts; check the key and the plan.',
		retryable: false,
	},
	'600': KUAIDI100_SUBSCRIBE_ERRORS['600'],
};
