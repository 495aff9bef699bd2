import { LEVELS, type Level, type Progress, type ProgressBar, type Reporter, type Write } from './reporter';
import type { RunSummary } from '../run/run-summary';
import { formatSummary } from './summary-text';

export class TerminalReporter implements Reporter {
	private bar?: ProgressBar;
	private barTotal = -1;
	constructor(
		private readonly writeErr: Write,
		private readonly writeOut: Write,
		private readonly redact: (text: string) => string,
		private readonly makeBar?: () => ProgressBar,
		private readonly minLevel: Level = 'info',
	) {}

	log(level: Level, _event: string, message: string): void {
		if (LEVELS[level] < LEVELS[this.minLevel]) return;
		const tag = level === 'error' ? 'error: ' : level === 'warn' ? 'warning: ' : '';
		const line = this.redact(`${tag}${message}\n`);
		if (this.bar) this.bar.log(line);
		else this.writeErr(line);
	}

	progress(progress: Progress): void {
		if (!this.makeBar) return;
		const payload = { newEvents: progress.newEvents, failed: progress.failed };
		if (!this.bar || this.barTotal !== progress.total) {
			this.stopBar();
			this.bar = this.makeBar();
			this.barTotal = progress.total;
			this.bar.start(progress.total, progress.done, payload);
		} else {
			this.bar.update(progress.done, payload);
		}
	}

	summary(summary: RunSummary): void {
		this.stopBar();
		this.writeOut(this.redact(formatSummary(summary)));
	}

	close(): void {
		this.stopBar();
	}

	private stopBar(): void {
		if (this.bar) {
			this.bar.stop();
			this.bar = undefined;
		}
	}
}
