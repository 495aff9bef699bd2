import { expect } from 'vitest';
import { TrackingApiError } from '../../src/core/tracking-api-error';

/** Awaits a promise that must reject with a TrackingApiError, and returns that error. */
export async function failure(promise: Promise<unknown>): Promise<TrackingApiError> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(TrackingApiError);
	return error as TrackingApiError;
}
