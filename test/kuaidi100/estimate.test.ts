import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { durationHours, normalizeKuaidi100Estimate } from '../../src/normalize/estimate';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { json, kuaidi100Node, YT } from './polling';

describe('estimated delivery (resultv2=8)', () => {
	it('normalizes arrivalTime to UTC by the event-time rules and the durations to hours, keeping the raw values', () => {
		expect(normalizeKuaidi100Estimate({ arrivalTime: '2024-03-10 16', totalTime: '3天0小时', remainTime: '2天8小时' })).toEqual({
			estimated_arrival: '2024-03-10T08:00:00.000Z',
			estimated_arrival_local: '2024-03-10 16',
			estimated_total_time: '3天0小时',
			estimated_total_hours: 72,
			estimated_remaining_time: '2天8小时',
			estimated_remaining_hours: 56,
		});
		// The source time zone setting applies as to events.
		expect(normalizeKuaidi100Estimate({ arrivalTime: '2024-03-10 16' }, '+00:00')?.estimated_arrival).toBe('2024-03-10T16:00:00.000Z');
		// Missing values are empty, never "null"; unknown forms are kept raw with no hours.
		expect(normalizeKuaidi100Estimate({ arrivalTime: null, totalTime: 'soon', remainTime: 'null' })).toEqual({
			estimated_arrival: '',
			estimated_arrival_local: '',
			estimated_total_time: 'soon',
			estimated_total_hours: null,
			estimated_remaining_time: '',
			estimated_remaining_hours: null,
		});
		expect(normalizeKuaidi100Estimate({ arrivalTime: '2024-02-30 10' })?.estimated_arrival).toBe('');
		expect(normalizeKuaidi100Estimate({ state: '0' })).toBeUndefined();
		expect([durationHours('17小时'), durationHours('2天'), durationHours('1 day 3 hours'), durationHours('')]).toEqual([17, 48, 27, null]);
	});

	describe('through the node against the sandbox', () => {
		let sandbox: Sandbox;
		beforeEach(async () => {
			vi.useFakeTimers({ toFake: ['Date'] });
			vi.setSystemTime(new Date('2024-03-08T00:00:00Z'));
			sandbox = await startSandbox({ enforceLockout: false, revealSteps: 4 });
		});
		afterEach(async () => {
			vi.useRealTimers();
			await sandbox.close();
		});

		it('Simplified output carries the estimate beside the raw values with "Advanced, with Estimated Arrival"', async () => {
			const node = kuaidi100Node(sandbox);
			const [shipment] = json(await node.run({ carrierCode: 'yuantong', trackingNumber: YT, lockoutGuard: false, queryOptions: { resultv2: '8' } }));
			// Collected 2024-03-07 16:55:46 China time; the sandbox expects 72 hours door to door.
			expect(shipment).toMatchObject({
				estimated_arrival: '2024-03-10T08:00:00.000Z',
				estimated_arrival_local: '2024-03-10 16',
				estimated_total_time: '3天0小时',
				estimated_total_hours: 72,
				estimated_remaining_hours: 56,
			});
			const [basic] = json(await node.run({ carrierCode: 'yuantong', trackingNumber: YT, lockoutGuard: false }));
			expect(basic).not.toHaveProperty('estimated_arrival');
		});
	});
});
