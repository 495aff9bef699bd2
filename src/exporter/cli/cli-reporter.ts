import type { ExportConfig } from '../intake/settings';
import { JsonReporter } from '../report/json-reporter';
import { TerminalReporter } from '../report/terminal-reporter';
import { redactor } from '../report/redact';
import type { Reporter } from '../report/reporter';
import type { CliIO } from './io';
import { terminalProgressBar } from './progress-bar';

/** JSON lines on stdout, or on a terminal (--log-format auto / pretty) a progress bar and readable lines. */
export function makeReporter(config: ExportConfig, io: CliIO, secrets: string[]): Reporter {
	const redact = redactor(secrets);
	const pretty = config.logFormat === 'pretty' || (config.logFormat === 'auto' && Boolean(io.stderr.isTTY));
	if (!pretty) return new JsonReporter((line) => io.stdout.write(line), redact, io.now);
	const makeBar = io.stderr.isTTY ? () => terminalProgressBar(io.stderr as NodeJS.WritableStream) : undefined;
	return new TerminalReporter((t) => io.stderr.write(t), (t) => io.stdout.write(t), redact, makeBar);
}
