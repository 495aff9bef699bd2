import { JsonReporter } from './json-reporter';
import type { Level, Progress, Reporter } from './reporter';
import type { RunSummary } from '../run/run-summary';

/** Keeps everything in memory (tests, and the demo's own use). */
export class MemoryReporter implements Reporter {
	readonly lines: string[] = [];
	readonly records: Array<Record<string, unknown>> = [];
	readonly summaries: RunSummary[] = [];
	private readonly json: JsonReporter;
	constructor(redact: (text: string) => string = (t) => t, minLevel: Level = 'debug') {
		this.json = new JsonReporter(
			(line) => {
				this.lines.push(line);
				this.records.push(JSON.parse(line) as Record<string, unknown>);
			},
			redact,
			() => new Date(),
			minLevel,
		);
	}
	log(level: Level, event: string, message: string, fields?: Record<string, unknown>): void {
		this.json.log(level, event, message, fields);
	}
	progress(progress: Progress): void {
		this.json.progress(progress);
	}
	summary(summary: RunSummary): void {
		this.summaries.push(summary);
		this.json.summary(summary);
	}
	close(): void {}
	text(): string {
		return this.lines.join('');
	}
	events(name: string): Array<Record<string, unknown>> {
		return this.records.filter((record) => record.event === name);
	}
}
