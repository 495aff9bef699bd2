import { SERVICES, type Provider } from '../providers/services';

export type { Provider };

export interface ErrorExplanation {
	/** What the code means, in plain language. */
	meaning: string;
	/** What the user should do about it. */
	remedy: string;
	/** Whether the same request may succeed if sent again later. */
	retryable: boolean;
	/** An account-level problem (credentials, quota): every further request fails the same way. */
	fatal?: boolean;
}

/**
 * The one error type of the core. `code` is the provider's own code (as text), or
 * one of the local codes: NETWORK, TIMEOUT, HTTP_<status>, BAD_RESPONSE, INVALID_INPUT.
 */
export class TrackingApiError extends Error {
	readonly provider: Provider;
	readonly code: string;
	readonly meaning: string;
	readonly remedy: string;
	readonly retryable: boolean;
	readonly fatal: boolean;
	/** The provider's own message, if any (often Chinese for Kuaidi100). */
	readonly providerMessage?: string;
	/** The provider's reply body, untouched, when there was one. */
	readonly responseBody?: unknown;

	constructor(init: {
		provider: Provider;
		code: string;
		explanation: ErrorExplanation;
		providerMessage?: string;
		responseBody?: unknown;
		cause?: unknown;
	}) {
		const { provider, code, explanation, providerMessage } = init;
		const { label } = SERVICES[provider];
		const said = providerMessage ? ` (service said: "${providerMessage}")` : '';
		super(`${label} error ${code}: ${explanation.meaning}${said}. ${explanation.remedy}`, {
			cause: init.cause,
		});
		this.name = 'TrackingApiError';
		this.provider = provider;
		this.code = code;
		this.meaning = explanation.meaning;
		this.remedy = explanation.remedy;
		this.retryable = explanation.retryable;
		this.fatal = explanation.fatal ?? false;
		this.providerMessage = providerMessage;
		this.responseBody = init.responseBody;
	}
}

export const LOCAL_ERRORS = {
	NETWORK: {
		meaning: 'The service could not be reached',
		remedy: 'Check the base URL, the network and any proxy settings; the request was retried with backoff.',
		retryable: true,
	},
	TIMEOUT: {
		meaning: 'The service did not answer in time',
		remedy: 'Try again later or raise the timeout; the request was retried with backoff.',
		retryable: true,
	},
	BAD_URL: {
		meaning: 'The configured base URL is not a valid URL',
		remedy: 'Set the base URL to a full URL with http:// or https://, e.g. https://poll.kuaidi100.com.',
		retryable: false,
	},
	BAD_RESPONSE: {
		meaning: 'The service answered with a body that is not the JSON it documents',
		remedy: 'Check that the base URL points at the service itself and not at a proxy or login page; try again later.',
		retryable: false,
	},
} satisfies Record<string, ErrorExplanation>;

export function httpStatusExplanation(status: number, provider: Provider): ErrorExplanation {
	const retryable = status >= 500 || status === 429 || status === 408;
	return {
		meaning: `The service answered with HTTP status ${status}`,
		remedy: retryable
			? 'The service is having trouble; try again later.'
			: `Check the base URL in the credential: it should be the service root, ${SERVICES[provider].serviceRoot}.`,
		retryable,
	};
}

/** Code lookup with a readable fallback for codes the tables do not know. */
export function explain(table: Record<string, ErrorExplanation>, code: string): ErrorExplanation {
	return (
		table[code] ?? {
			meaning: `The service returned an undocumented code ${code}`,
			remedy: "Check the service's message below and its documentation; contact its support if it persists.",
			retryable: false,
		}
	);
}
