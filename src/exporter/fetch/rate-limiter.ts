import type { HttpTransport } from '../../core/http';

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
