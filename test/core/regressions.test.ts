import { describe, expect, it } from 'vitest';
import { callWithRetry } from '../../src/core/call';
import { TrackingApiError } from '../../src/core/tracking-api-error';
import { fetchTransport } from '../../src/core/http';
import { withRetry } from '../../src/core/retry';
import { normalizeKeyDeliveryResult, normalizeKuaidi100Result } from '../../src/normalize/shipment';
import { localTimeToUtcIso } from '../../src/normalize/time';

const noSleep = async () => {};

describe('core regressions found in review', () => {
	it('takes the shipment status from the newest event when the reply is oldest first and has no shipment code', () => {
		const keyDelivery = normalizeKeyDeliveryResult(
			{
				carrier_id: 'usps',
				tracking_number: 'LY811679807CN',
				items: [
					{ time: '2024-05-01 18:40:00', order_status_code: '1' },
					{ time: '2024-05-06 19:05:00', order_status_code: '304' },
				],
			},
			{ source: 'push' },
		);
		expect(keyDelivery).toMatchObject({ shipment_status: 'delivered', terminal: true });
		expect(keyDelivery.events.map((e) => e.status)).toEqual(['delivered', 'picked_up']);

		const kuaidi100 = normalizeKuaidi100Result(
			{ com: 'yuantong', nu: 'YT1', data: [{ ftime: '2024-03-07 16:55:46', status: '揽收' }, { ftime: '2024-03-09 10:47:53', status: '签收' }] },
			{ source: 'query' },
		);
		expect(kuaidi100.shipment_status).toBe('delivered');
	});

	it('tries once, never endlessly, when the attempts setting is not a number', async () => {
		let calls = 0;
		await expect(
			withRetry(async () => {
				calls++;
				throw new Error('temporary');
			}, () => true, noSleep, { attempts: Number('abc'), baseDelayMs: 0, maxDelayMs: 0 }),
		).rejects.toThrow('temporary');
		expect(calls).toBe(1);
	});

	it('rejects impossible local times instead of rolling them over', () => {
		expect(localTimeToUtcIso('2024-02-30 10:00:00')).toBe('');
		expect(localTimeToUtcIso('2024-13-01 10:00:00')).toBe('');
		expect(localTimeToUtcIso('2024-02-29 10:00:60')).toBe('');
		expect(localTimeToUtcIso('2024-02-29 10:00:59')).toBe('2024-02-29T02:00:59.000Z');
	});

	it('keeps exact offsets around daylight-saving changes with the per-slot offset cache', () => {
		// Warm the cache on both sides of each change, then ask again.
		for (let pass = 0; pass < 2; pass++) {
			expect(localTimeToUtcIso('2024-11-03 00:30:00', 'America/New_York')).toBe('2024-11-03T04:30:00.000Z');
			expect(localTimeToUtcIso('2024-11-03 03:00:00', 'America/New_York')).toBe('2024-11-03T08:00:00.000Z');
			expect(localTimeToUtcIso('2024-03-10 01:59:00', 'America/New_York')).toBe('2024-03-10T06:59:00.000Z');
			expect(localTimeToUtcIso('2024-03-10 03:00:00', 'America/New_York')).toBe('2024-03-10T07:00:00.000Z');
			expect(localTimeToUtcIso('2024-10-06 02:30:00', 'Australia/Lord_Howe')).toBe('2024-10-05T15:30:00.000Z');
		}
	});

	it('reports a base URL without a scheme once, as a configuration error', async () => {
		let sent = 0;
		const transport: typeof fetchTransport = async (request) => {
			sent++;
			return await fetchTransport(request);
		};
		const error = await callWithRetry(
			'kuaidi100',
			transport,
			{ method: 'GET', url: 'poll.kuaidi100.com/poll', headers: {}, timeoutMs: 1000 },
			() => 'unreachable',
			{ sleep: noSleep, retry: { attempts: 3, baseDelayMs: 0, maxDelayMs: 0 } },
		).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(TrackingApiError);
		expect(error).toMatchObject({ code: 'BAD_URL', retryable: false });
		expect(sent).toBe(1);
	});
});
