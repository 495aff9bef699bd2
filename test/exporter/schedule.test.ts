import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXIT } from '../../src/exporter/exit-codes';
import { MemoryReporter } from '../../src/exporter/report/memory-reporter';
import { emptySummary, type RunSummary } from '../../src/exporter/run/run-summary';
import { latestSlot, startSchedule } from '../../src/exporter/cli/schedule';

function summaryFor(slot: Date, status: RunSummary['status'] = 'ok', exitCode = 0): RunSummary {
	const at = slot.toISOString();
	return { ...emptySummary({ runId: at, scheduledAt: at }, slot), status, exitCode, committed: true };
}

/** A run the test finishes by hand. */
interface PendingRun {
	slot: Date;
	signal: AbortSignal;
	finish(status?: RunSummary['status'], exitCode?: number): void;
}

function controlledRuns() {
	const runs: PendingRun[] = [];
	let active = 0;
	let maxActive = 0;
	const runOnce = async (slot: Date, signal: AbortSignal) =>
		await new Promise<RunSummary>((resolve) => {
			active++;
			maxActive = Math.max(maxActive, active);
			runs.push({
				slot,
				signal,
				finish: (status = 'ok', exitCode = 0) => {
					active--;
					resolve(summaryFor(slot, status, exitCode));
				},
			});
		});
	return { runs, runOnce, maxActive: () => maxActive };
}

describe('schedule', () => {
	beforeEach(() => {
		vi.useFakeTimers({ now: new Date('2024-03-09T01:58:30Z') });
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	it('fires on the cron slot, in the given time zone, with the slot as scheduled time', async () => {
		const signals = new EventEmitter();
		const { runs, runOnce } = controlledRuns();
		const handle = startSchedule({ cron: '0 10 * * *', timezone: 'Asia/Shanghai', runOnce, reporter: new MemoryReporter(), signals });
		expect(handle.nextRun()?.toISOString()).toBe('2024-03-09T02:00:00.000Z');
		await vi.advanceTimersByTimeAsync(60_000);
		expect(runs).toHaveLength(0);
		await vi.advanceTimersByTimeAsync(60_000);
		expect(runs).toHaveLength(1);
		expect(runs[0].slot.toISOString()).toBe('2024-03-09T02:00:00.000Z');
		runs[0].finish();
		await vi.advanceTimersByTimeAsync(24 * 3600_000);
		expect(runs).toHaveLength(2);
		expect(runs[1].slot.toISOString()).toBe('2024-03-10T02:00:00.000Z');
		runs[1].finish();
		signals.emit('SIGTERM', 'SIGTERM');
		expect(await handle.stopped).toBe(EXIT.OK);
	});

	it('never runs two exports at once: a slot that comes during a run is skipped', async () => {
		const signals = new EventEmitter();
		const reporter = new MemoryReporter();
		const { runs, runOnce, maxActive } = controlledRuns();
		const handle = startSchedule({ cron: '* * * * *', timezone: 'UTC', runOnce, reporter, signals });
		await vi.advanceTimersByTimeAsync(90_000);
		expect(runs).toHaveLength(1);
		// Three more slots pass while the first run is still going.
		await vi.advanceTimersByTimeAsync(3 * 60_000);
		expect(runs).toHaveLength(1);
		expect(handle.busy()).toBe(true);
		runs[0].finish();
		await vi.advanceTimersByTimeAsync(60_000);
		expect(runs).toHaveLength(2);
		expect(maxActive()).toBe(1);
		runs[1].finish();
		handle.stop();
		expect(await handle.stopped).toBe(EXIT.OK);
	});

	it('on SIGTERM waits for the run in progress, then stops; no slot fires after it', async () => {
		const signals = new EventEmitter();
		const reporter = new MemoryReporter();
		const { runs, runOnce } = controlledRuns();
		const handle = startSchedule({ cron: '* * * * *', timezone: 'UTC', runOnce, reporter, signals });
		await vi.advanceTimersByTimeAsync(90_000);
		expect(runs).toHaveLength(1);
		let stoppedWith: number | undefined;
		void handle.stopped.then((code) => {
			stoppedWith = code;
		});
		signals.emit('SIGTERM', 'SIGTERM');
		await vi.advanceTimersByTimeAsync(5 * 60_000);
		expect(stoppedWith).toBeUndefined();
		expect(runs[0].signal.aborted).toBe(false);
		expect(runs).toHaveLength(1);
		runs[0].finish();
		await vi.advanceTimersByTimeAsync(0);
		expect(stoppedWith).toBe(EXIT.OK);
		await vi.advanceTimersByTimeAsync(10 * 60_000);
		expect(runs).toHaveLength(1);
		expect(signals.listenerCount('SIGTERM')).toBe(0);
		expect(reporter.events('schedule.stopping')[0].message).toMatch(/after the run in progress/);
	});

	it('a second SIGINT aborts the run in progress', async () => {
		const signals = new EventEmitter();
		const { runs, runOnce } = controlledRuns();
		const handle = startSchedule({ cron: '* * * * *', timezone: 'UTC', runOnce, reporter: new MemoryReporter(), signals });
		await vi.advanceTimersByTimeAsync(90_000);
		signals.emit('SIGINT', 'SIGINT');
		expect(runs[0].signal.aborted).toBe(false);
		signals.emit('SIGINT', 'SIGINT');
		expect(runs[0].signal.aborted).toBe(true);
		runs[0].finish('interrupted', EXIT.INTERRUPTED_SIGINT);
		expect(await handle.stopped).toBe(EXIT.INTERRUPTED_SIGINT);
	});

	it('stops after a fatal account error, with its exit code', async () => {
		const signals = new EventEmitter();
		const { runs, runOnce } = controlledRuns();
		const handle = startSchedule({ cron: '* * * * *', timezone: 'UTC', runOnce, reporter: new MemoryReporter(), signals });
		await vi.advanceTimersByTimeAsync(90_000);
		runs[0].finish('fatal', EXIT.FATAL_ACCOUNT);
		expect(await handle.stopped).toBe(EXIT.FATAL_ACCOUNT);
		await vi.advanceTimersByTimeAsync(5 * 60_000);
		expect(runs).toHaveLength(1);
	});

	it('rejects an invalid cron expression', () => {
		expect(() =>
			startSchedule({ cron: 'every night', timezone: 'UTC', runOnce: async (d) => summaryFor(d), reporter: new MemoryReporter(), signals: new EventEmitter() }),
		).toThrow(/not a valid cron expression/);
	});
});

describe('latestSlot', () => {
	it('finds the latest slot at or before now, in the time zone', () => {
		expect(latestSlot('0 2 * * *', 'UTC', new Date('2024-03-09T14:35:12Z')).toISOString()).toBe('2024-03-09T02:00:00.000Z');
		expect(latestSlot('0 2 * * *', 'UTC', new Date('2024-03-09T01:59:59Z')).toISOString()).toBe('2024-03-08T02:00:00.000Z');
		expect(latestSlot('0 2 * * *', 'Asia/Shanghai', new Date('2024-03-09T14:35:12Z')).toISOString()).toBe('2024-03-08T18:00:00.000Z');
		expect(latestSlot('*/15 * * * *', 'UTC', new Date('2024-03-09T14:35:12Z')).toISOString()).toBe('2024-03-09T14:30:00.000Z');
		expect(latestSlot('*/10 * * * * *', 'UTC', new Date('2024-03-09T14:35:12Z')).toISOString()).toBe('2024-03-09T14:35:10.000Z');
	});
});
