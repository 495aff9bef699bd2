import { LEVELS, type Level, type Progress, type Reporter, type Write } from './reporter';
import type { RunSummary } from '../run/run-summary';
import { summaryHeadline } from './summary-text';

/** One JSON object per line: for log collectors, CronJobs and pipes. */
export class JsonReporter implements Reporter {
	private lastProgressAt = -1;
	constructor(
		private readonly write: Write,
		private readonly redact: (text: string) => string = (t) => t,
		private readonly now: () => Date = () => new Date(),
		private readonly minLevel: Level = 'info',
	) {}

	log(level: Level, event: string, message: string, fields: Record<string, unknown> = {}): void {
		if (LEVELS[level] < LEVELS[this.minLevel]) return;
		this.emit({ time: this.now().toISOString(), level, event, message, ...fields });
	}

	progress(progress: Progress): void {
		// A line per tenth of the work, not per shipment.
		const tenth = progress.total === 0 ? 10 : Math.floor((progress.done * 10) / progress.total);
		if (tenth === this.lastProgressAt) return;
		this.lastProgressAt = tenth;
		this.emit({ time: this.now().toISOString(), level: 'info', event: 'progress', message: `${progress.done}/${progress.total} shipments queried`, ...progress });
	}

	summary(summary: RunSummary): void {
		this.emit({ time: this.now().toISOString(), level: summary.exitCode === 0 ? 'info' : 'error', event: 'run.summary', message: summaryHeadline(summary), ...summary });
	}

	close(): void {}

	private emit(record: Record<string, unknown>): void {
		this.write(`${this.redact(JSON.stringify(record))}\n`);
	}
}
