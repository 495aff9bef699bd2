export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Progress {
	done: number;
	total: number;
	newEvents: number;
	failed: number;
}

/** Where the exporter tells what it does: JSON lines, a terminal, or memory (tests). */
export interface Reporter {
	log(level: Level, event: string, message: string, fields?: Record<string, unknown>): void;
	progress(progress: Progress): void;
	/** The end-of-run summary (printed once per run). */
	summary(summary: RunSummary): void;
	/** Stops any progress display. */
	close(): void;
}

export interface ObjectInfo {
	url: string;
	key: string;
	bytes: number;
	rows: number;
}

export interface RunSummary {
	runId: string;
	scheduledAt: string;
	status: 'ok' | 'already-done' | 'failed' | 'fatal' | 'interrupted' | 'config';
	exitCode: number;
	error?: string;
	startedAt: string;
	finishedAt: string;
	durationMs: number;
	shipments: {
		listed: number;
		badRows: number;
		due: number;
		queried: number;
		skippedLockout: number;
		skippedTerminal: number;
		noResultYet: number;
		failed: number;
	};
	events: { fetched: number; new: number; duplicate: number };
	objects: ObjectInfo[];
	manifest?: string;
	bytes: number;
	recovered?: { runId: string; events: number; objects: string[] };
	committed: boolean;
	/** Things that did not stop the run but need a look (an empty shipment list); exit 4 with --strict. */
	warnings?: string[];
}

/** Replaces every secret (and its URL-encoded form) by "***". */
export function redactor(secrets: readonly string[]): (text: string) => string {
	const needles = [...new Set(secrets.filter((s) => s && s.length >= 3).flatMap((s) => [s, encodeURIComponent(s)]))].sort(
		(a, b) => b.length - a.length,
	);
	if (needles.length === 0) return (text) => text;
	return (text) => {
		let out = text;
		for (const needle of needles) if (out.includes(needle)) out = out.split(needle).join('***');
		return out;
	};
}

type Write = (text: string) => void;

const LEVELS: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

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

export function summaryHeadline(summary: RunSummary): string {
	switch (summary.status) {
		case 'ok':
			return `Run ${summary.runId} done: ${summary.events.new} new event(s) from ${summary.shipments.queried} shipment(s)`;
		case 'already-done':
			return `Run ${summary.runId} was already completed: nothing to do`;
		case 'fatal':
			return `Run ${summary.runId} stopped by an account error; nothing was committed`;
		case 'interrupted':
			return `Run ${summary.runId} interrupted; nothing was committed`;
		case 'config':
			return `Run ${summary.runId} not started: configuration error`;
		default:
			return `Run ${summary.runId} failed; nothing was committed, a rerun is safe`;
	}
}

function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
	return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** The summary as a few readable lines. */
export function formatSummary(summary: RunSummary): string {
	const s = summary.shipments;
	const lines = [
		summaryHeadline(summary),
		`  shipments: ${s.listed} listed, ${s.badRows} bad row(s), ${s.due} due, ${s.queried} queried, ` +
			`${s.skippedLockout} skipped by the 30-minute rule, ${s.skippedTerminal} finished, ` +
			`${s.noResultYet} without result yet, ${s.failed} failed`,
		`  events:    ${summary.events.fetched} fetched, ${summary.events.new} new, ${summary.events.duplicate} already exported`,
	];
	for (const object of summary.objects) lines.push(`  object:    ${object.url} (${object.rows} rows, ${formatBytes(object.bytes)})`);
	if (summary.objects.length === 0 && summary.status === 'ok') lines.push('  object:    none (no new events)');
	if (summary.manifest) lines.push(`  manifest:  ${summary.manifest}`);
	if (summary.recovered) {
		lines.push(`  recovered: run ${summary.recovered.runId} (${summary.recovered.events} events) was in S3 but not committed; adopted`);
	}
	for (const warning of summary.warnings ?? []) lines.push(`  warning:   ${warning}`);
	lines.push(`  duration:  ${(summary.durationMs / 1000).toFixed(1)} s, exit code ${summary.exitCode}`);
	if (summary.error) lines.push(`  error:     ${summary.error}`);
	return `${lines.join('\n')}\n`;
}

export interface ProgressBar {
	start(total: number, value: number, payload?: Record<string, unknown>): void;
	update(value: number, payload?: Record<string, unknown>): void;
	/** Prints a line above the bar, which stays. */
	log(text: string): void;
	stop(): void;
}

/** For a terminal: a progress bar on stderr, messages above it, the summary on stdout. */
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
