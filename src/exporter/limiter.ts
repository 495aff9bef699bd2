import type { HttpTransport } from '../core/http';

export type Sleep = (ms: number) => Promise<void>;
export type Clock = () => number;

export const realSleep: Sleep = async (ms) => await new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Spaces requests at least 1000/rps ms apart (a leaky bucket without burst):
 * the rate a service sees never exceeds `rps`, whatever the concurrency.
 */
export class RateLimiter {
	private next = 0;
	private readonly interval: number;

	constructor(
		rps: number,
		private readonly clock: Clock = Date.now,
		private readonly sleep: Sleep = realSleep,
	) {
		this.interval = rps > 0 ? 1000 / rps : 0;
	}

	async acquire(): Promise<void> {
		if (this.interval === 0) return;
		const now = this.clock();
		const slot = Math.max(now, this.next);
		this.next = slot + this.interval;
		if (slot > now) await this.sleep(slot - now);
	}
}

/** Every request through the transport waits for its slot, retries included. */
export function rateLimitedTransport(transport: HttpTransport, limiter: RateLimiter): HttpTransport {
	return async (request) => {
		await limiter.acquire();
		return await transport(request);
	};
}

/**
 * Runs `task` over `items` with at most `concurrency` in flight. `shouldStop` is
 * checked before each item is started: once it says yes, no new item starts and
 * the call resolves when the ones in flight are done.
 */
export async function runPool<T>(
	items: readonly T[],
	concurrency: number,
	task: (item: T, index: number) => Promise<void>,
	shouldStop: () => boolean = () => false,
): Promise<{ started: number }> {
	let nextIndex = 0;
	const worker = async () => {
		while (!shouldStop() && nextIndex < items.length) {
			const index = nextIndex++;
			await task(items[index], index);
		}
	};
	const workers = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker);
	await Promise.all(workers);
	return { started: nextIndex };
}
