import type { EventEmitter } from 'node:events';
import cron from 'node-cron';
import { ConfigError, EXIT, InterruptedError, messageOf } from '../exit-codes';
import type { Reporter, RunSummary } from '../report/reporters';

export interface ScheduleOptions {
	cron: string;
	timezone: string;
	/** One run for the slot `scheduledAt`; it should stop early when `signal` aborts. */
	runOnce: (scheduledAt: Date, signal: AbortSignal) => Promise<RunSummary>;
	reporter: Reporter;
	/** Where SIGTERM / SIGINT come from; default the process. */
	signals?: EventEmitter;
}

export interface ScheduleHandle {
	/** Resolves with the exit code once the schedule has stopped (after the run in progress). */
	readonly stopped: Promise<number>;
	/** Stops the schedule as SIGTERM would: no new run; the one in progress finishes. */
	stop(): void;
	/** The next slot, or null once stopped. */
	nextRun(): Date | null;
	/** Whether a run is in progress. */
	busy(): boolean;
}

const SIGNAL_EXIT: Record<string, number> = { SIGINT: EXIT.INTERRUPTED_SIGINT, SIGTERM: EXIT.INTERRUPTED_SIGTERM };

/**
 * Runs exports on a cron schedule (node-cron), one at a time: a slot that comes
 * while a run is still going is skipped, never run alongside. SIGTERM or SIGINT
 * stops the schedule after the run in progress; a second one aborts that run
 * (its upload is aborted, nothing is committed). A fatal account error stops
 * the schedule too: every later run would fail the same way.
 */
export function startSchedule(options: ScheduleOptions): ScheduleHandle {
	const { reporter } = options;
	if (!cron.validate(options.cron)) {
		throw new ConfigError(`"${options.cron}" is not a valid cron expression (e.g. "0 2 * * *" for 02:00 every day)`);
	}
	const signals: EventEmitter = options.signals ?? process;
	let current: Promise<void> | undefined;
	let controller: AbortController | undefined;
	let stopping = false;
	let exitCode: number = EXIT.OK;
	let resolveStopped!: (code: number) => void;
	const stopped = new Promise<number>((resolve) => {
		resolveStopped = resolve;
	});

	const task = cron.schedule(
		options.cron,
		async (context) => {
			if (stopping) return;
			if (current) {
				reporter.log('warn', 'schedule.overlap', `Slot ${context.date.toISOString()} skipped: the previous run is still going`);
				return;
			}
			controller = new AbortController();
			const slot = context.date;
			current = (async () => {
				try {
					const summary = await options.runOnce(slot, controller!.signal);
					if (summary.status === 'fatal') {
						reporter.log('error', 'schedule.fatal', 'Stopping the schedule: fix the account (credentials or quota) and start it again');
						exitCode = summary.exitCode;
						stop();
					} else if (summary.status === 'interrupted') {
						exitCode = summary.exitCode;
					}
				} catch (error) {
					reporter.log('error', 'schedule.run_failed', `Run for ${slot.toISOString()} failed: ${messageOf(error)}`);
				} finally {
					current = undefined;
					controller = undefined;
					reporter.log('info', 'schedule.next', nextMessage());
					if (stopping) finish();
				}
			})();
			await current;
		},
		{
			timezone: options.timezone,
			name: 'tracking-export',
			noOverlap: true,
			logger: {
				info: (message) => reporter.log('debug', 'cron', message),
				warn: (message) => reporter.log('debug', 'cron', message),
				error: (message) => reporter.log('error', 'cron', messageOf(message)),
				debug: (message) => reporter.log('debug', 'cron', messageOf(message)),
			},
		},
	);

	function nextMessage(): string {
		if (stopping) return 'Schedule stopped';
		const next = task.getNextRun();
		return next ? `Next run at ${next.toISOString()}` : 'No further run scheduled';
	}

	let finished = false;
	function finish(): void {
		if (finished) return;
		finished = true;
		signals.off('SIGTERM', onSignal);
		signals.off('SIGINT', onSignal);
		resolveStopped(exitCode);
	}

	function stop(): void {
		if (!stopping) {
			stopping = true;
			void task.destroy();
		}
		if (!current) finish();
	}

	function onSignal(signal: NodeJS.Signals): void {
		if (!stopping) {
			reporter.log('info', 'schedule.stopping', current
				? `${signal}: stopping after the run in progress (send ${signal} again to abort it)`
				: `${signal}: stopping`);
			stop();
			return;
		}
		if (controller && !controller.signal.aborted) {
			reporter.log('warn', 'schedule.abort', `${signal} again: aborting the run in progress; nothing will be committed`);
			exitCode = SIGNAL_EXIT[signal] ?? EXIT.INTERRUPTED_SIGTERM;
			controller.abort(new InterruptedError(`Interrupted by ${signal}`, exitCode));
		}
	}
	signals.on('SIGTERM', onSignal);
	signals.on('SIGINT', onSignal);

	reporter.log('info', 'schedule.start', `Scheduled "${options.cron}" (${options.timezone}); ${nextMessage()}`, {
		cron: options.cron,
		timezone: options.timezone,
	});

	return {
		stopped,
		stop,
		nextRun: () => (stopping ? null : task.getNextRun()),
		busy: () => current !== undefined,
	};
}

/**
 * The latest slot of a cron expression at or before `now` (for `run
 * --scheduled-time cron`, so a retried CronJob reuses its run id). Looks back
 * minute by minute (second by second for 6-field expressions), up to 8 days.
 */
export function latestSlot(expression: string, timezone: string, now: Date): Date {
	if (!cron.validate(expression)) throw new ConfigError(`"${expression}" is not a valid cron expression`);
	const task = cron.createTask(expression, () => {}, { timezone });
	try {
		const withSeconds = expression.trim().split(/\s+/).length === 6;
		const step = withSeconds ? 1000 : 60_000;
		const limit = withSeconds ? 3600 : 8 * 24 * 60;
		let t = Math.floor(now.getTime() / step) * step;
		for (let i = 0; i <= limit; i++, t -= step) {
			if (task.match(new Date(t))) return new Date(t);
		}
	} finally {
		void task.destroy();
	}
	throw new ConfigError(`"${expression}" has no slot in the last ${expression.trim().split(/\s+/).length === 6 ? 'hour' : '8 days'}: give --scheduled-time explicitly`);
}
