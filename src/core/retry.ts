import { settle } from './settle';

export interface RetryOptions {
	/** Total attempts including the first one (>= 1). */
	attempts: number;
	/** Delay before the first retry; doubles each time. */
	baseDelayMs: number;
	/** Upper bound of one delay. */
	maxDelayMs: number;
	/** Injected for tests; default Math.random. */
	random?: () => number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 3, baseDelayMs: 500, maxDelayMs: 8000 };

/** Waits; injected because n8n nodes must use n8n's own `sleep`, not timers. */
export type Sleep = (ms: number) => Promise<void>;

/**
 * "Full jitter" exponential backoff: a uniform delay in [0, min(max, base * 2^n)].
 * Spreads retries of many parallel requests instead of synchronising them.
 */
export function backoffDelay(retryIndex: number, options: RetryOptions, random = Math.random): number {
	const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retryIndex);
	return Math.round(random() * ceiling);
}

/** Runs `task`, retrying only errors for which `isRetryable` says yes. */
export async function withRetry<T>(
	task: (attempt: number) => Promise<T>,
	isRetryable: (error: unknown) => boolean,
	sleep: Sleep,
	options: RetryOptions = DEFAULT_RETRY,
): Promise<T> {
	// A bad setting (NaN, 0) means one try, never endless retries.
	const attempts = Number.isFinite(options.attempts) ? Math.max(1, Math.floor(options.attempts)) : 1;
	for (let attempt = 1; ; attempt++) {
		const outcome = await settle(() => task(attempt));
		if (outcome.ok) return outcome.value;
		if (attempt >= attempts || !isRetryable(outcome.error)) throw outcome.error;
		await sleep(backoffDelay(attempt - 1, options, options.random));
	}
}
