/**
 * The outcome of a piece of work as a value. The core is framework-free, so it
 * cannot wrap failures in n8n's NodeApiError; n8n's community-node rules forbid
 * raising anything else from a `catch` clause. Failures are therefore taken out
 * of the catch as values and raised (as the core's own errors) after it; the
 * nodes turn them into NodeApiError at their edge (nodes/item-runner/item-errors.ts).
 */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export async function settle<T>(work: () => Promise<T>): Promise<Outcome<T>> {
	try {
		return { ok: true, value: await work() };
	} catch (error) {
		return { ok: false, error };
	}
}

export function settleSync<T>(work: () => T): Outcome<T> {
	try {
		return { ok: true, value: work() };
	} catch (error) {
		return { ok: false, error };
	}
}
