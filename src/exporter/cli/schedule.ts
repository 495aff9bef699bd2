import type { EventEmitter } from 'node:events';
import cron from 'node-cron';
import { ConfigError, EXIT, InterruptedError, messageOf } from '../exit-codes';
import type { Reporter } from '../report/reporter';
import type { RunSummary } from '../run/run-summary';

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
	if (!cron.validate(options.cron)) {
		throw new ConfigError(`"${options.cron}" is not a valid cron expression (e.g. "0 2 * * *" for 02:00 every day)`);
	}
	return new CronSchedule(options);
}

class CronSchedule implements ScheduleHandle {
	readonly stopped: Promise<number>;
	private resolveStopped!: (code: number) => void;
	private readonly task: ReturnType<typeof cron.schedule>;
	private readonly signals: EventEmitter;
	private readonly reporter: Reporter;
	private current?: Promise<void>;
	private controller?: AbortController;
	private stopping = false;
	private finished = false;
	private exitCode: number = EXIT.OK;

	constructor(private readonly options: ScheduleOptions) {
		this.reporter = options.reporter;
		this.stopped = new Promise<number>((resolve) => {
			this.resolveStopped = resolve;
		});
		this.task = cron.schedule(options.cron, async (context) => await this.onSlot(context.date), {
			timezone: options.timezone,
			name: 'tracking-export',
			noOverlap: true,
			logger: {
				info: (message) => this.reporter.log('debug', 'cron', message),
				warn: (message) => this.reporter.log('debug', 'cron', message),
				error: (message) => this.reporter.log('error', 'cron', messageOf(message)),
				debug: (message) => this.reporter.log('debug', 'cron', messageOf(message)),
			},
		});
		this.signals = options.signals ?? process;
		this.signals.on('SIGTERM', this.onSignal);
		this.signals.on('SIGINT', this.onSignal);
		this.reporter.log('info', 'schedule.start', `Scheduled "${options.cron}" (${options.timezone}); ${this.nextMessage()}`, {
			cron: options.cron,
			timezone: options.timezone,
		});
	}

	nextRun(): Date | null {
		return this.stopping ? null : this.task.getNextRun();
	}

	busy(): boolean {
		return this.current !== undefined;
	}

	readonly stop = (): void => {
		if (!this.stopping) {
			this.stopping = true;
			void this.task.destroy();
		}
		if (!this.current) this.finish();
	};

	private async onSlot(slot: Date): Promise<void> {
		if (this.stopping) return;
		if (this.current) {
			this.reporter.log('warn', 'schedule.overlap', `Slot ${slot.toISOString()} skipped: the previous run is still going`);
			return;
		}
		this.controller = new AbortController();
		this.current = this.runSlot(slot, this.controller.signal);
		await this.current;
	}

	private async runSlot(slot: Date, signal: AbortSignal): Promise<void> {
		try {
			const summary = await this.options.runOnce(slot, signal);
			if (summary.status === 'fatal') {
				this.reporter.log('error', 'schedule.fatal', 'Stopping the schedule: fix the account (credentials or quota) and start it again');
				this.exitCode = summary.exitCode;
				this.stop();
			} else if (summary.status === 'interrupted') {
				this.exitCode = summary.exitCode;
			}
		} catch (error) {
			this.reporter.log('error', 'schedule.run_failed', `Run for ${slot.toISOString()} failed: ${messageOf(error)}`);
		} finally {
			this.current = undefined;
			this.controller = undefined;
			this.reporter.log('info', 'schedule.next', this.nextMessage());
			if (this.stopping) this.finish();
		}
	}

	private readonly onSignal = (signal: NodeJS.Signals): void => {
		if (!this.stopping) {
			const message = this.current ? `${signal}: stopping after the run in progress (send ${signal} again to abort it)` : `${signal}: stopping`;
			this.reporter.log('info', 'schedule.stopping', message);
			this.stop();
			return;
		}
		if (this.controller && !this.controller.signal.aborted) {
			this.reporter.log('warn', 'schedule.abort', `${signal} again: aborting the run in progress; nothing will be committed`);
			this.exitCode = SIGNAL_EXIT[signal] ?? EXIT.INTERRUPTED_SIGTERM;
			this.controller.abort(new InterruptedError(`Interrupted by ${signal}`, this.exitCode));
		}
	};

	private nextMessage(): string {
		if (this.stopping) return 'Schedule stopped';
		const next = this.task.getNextRun();
		return next ? `Next run at ${next.toISOString()}` : 'No further run scheduled';
	}

	private finish(): void {
		if (this.finished) return;
		this.finished = true;
		this.signals.off('SIGTERM', this.onSignal);
		this.signals.off('SIGINT', this.onSignal);
		this.resolveStopped(this.exitCode);
	}
}

export { latestSlot } from './latest-slot';
