import { appendFileSync } from 'node:fs';
import { JsonReporter } from '../report/json-reporter';
import type { Level, Progress, ProgressBar, Reporter } from '../report/reporter';
import type { RunSummary } from '../run/run-summary';

/**
 * The demo's reporter for a person: every log line and summary goes, as JSON,
 * to a log file; the terminal shows only a progress bar while a run queries.
 * Nothing else writes to the terminal while the bar runs, so the two never interleave.
 */
export class DemoReporter implements Reporter {
	private readonly file: JsonReporter;
	private bar?: ProgressBar;

	constructor(
		logFile: string,
		private readonly makeBar?: () => ProgressBar,
		now: () => Date = () => new Date(),
	) {
		this.file = new JsonReporter((line) => appendFileSync(logFile, line), undefined, now, 'debug');
	}

	log(level: Level, event: string, message: string, fields?: Record<string, unknown>): void {
		this.file.log(level, event, message, fields);
	}

	progress(progress: Progress): void {
		if (!this.makeBar) return;
		const payload = { newEvents: progress.newEvents, failed: progress.failed };
		if (this.bar) {
			this.bar.update(progress.done, payload);
			return;
		}
		this.bar = this.makeBar();
		this.bar.start(progress.total, progress.done, payload);
	}

	/** The run is over: the bar goes, the summary goes to the file (the demo prints a short one). */
	summary(summary: RunSummary): void {
		this.close();
		this.file.summary(summary);
	}

	close(): void {
		this.bar?.stop();
		this.bar = undefined;
	}
}
