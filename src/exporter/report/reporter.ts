import type { RunSummary } from '../run/run-summary';

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

export interface ProgressBar {
	start(total: number, value: number, payload?: Record<string, unknown>): void;
	update(value: number, payload?: Record<string, unknown>): void;
	/** Prints a line above the bar, which stays. */
	log(text: string): void;
	stop(): void;
}

/** For a terminal: a progress bar on stderr, messages above it, the summary on stdout. */

/** Log levels in order; a reporter drops lines below its minimum. */
export const LEVELS: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type Write = (text: string) => void;
