import * as path from 'node:path';
import type { Command } from 'commander';
import { DEMO_LOG } from '../demo/demo-dir';
import { DemoReporter } from '../demo/demo-reporter';
import { ConfigError } from '../exit-codes';
import { JsonReporter } from '../report/json-reporter';
import type { Reporter } from '../report/reporter';
import type { CliIO } from './io';
import { terminalProgressBar } from './progress-bar';

interface DemoFlags {
	dir: string;
	runs: string;
	rows: string;
	keep?: boolean;
	gzip: boolean;
	jsonLogs?: boolean;
}

/** `tracking-export demo`: the offline demo (from a clone: `npm run demo`). */
export function addDemoCommand(program: Command, io: CliIO, setExit: (code: number) => void): void {
	program
		.command('demo')
		.description(
			'Offline demo: starts a sandbox of the carrier services and a local S3 (s3rver) on 127.0.0.1, runs an export, prints a short summary, the object key and the first rows. Runs from a clone of the repository (npm run demo), which has the sandbox and s3rver.',
		)
		.helpOption('-h, --help', 'show help for demo')
		.option('--dir <path>', 'folder for the local S3 data, the state, the shipment list and the log (a new folder, or one the demo made: it deletes nothing else)', '.demo-data')
		.option('--runs <n>', 'exports to run; between two, timelines advance and the clock moves one hour', '1')
		.option('--rows <n>', 'first rows of each object to print', '5')
		.option('--keep', 'keep the folder from the last demo (state and objects)')
		.option('--no-gzip', 'write plain .csv instead of .csv.gz')
		.option('--json-logs', `print the runs' JSON log lines on stdout instead of the summary (default: into ${DEMO_LOG} in --dir)`)
		.action(async (flags: DemoFlags) => {
			const runs = Number(flags.runs);
			const rows = Number(flags.rows);
			if (!Number.isInteger(runs) || runs < 1 || runs > 20) throw new ConfigError('--runs must be a whole number from 1 to 20');
			if (!Number.isInteger(rows) || rows < 0) throw new ConfigError('--rows must be a whole number');
			// The demo runs locally: the SDK's notice about future Node versions is noise here.
			io.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
			process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
			const dir = path.resolve(io.cwd, flags.dir);
			const reporter = demoReporter(io, dir, Boolean(flags.jsonLogs));
			const write = flags.jsonLogs ? () => undefined : (text: string) => io.stdout.write(text);
			const { runDemo } = await import('../demo/demo');
			try {
				setExit(await runDemo({ dir, runs, rows, keep: Boolean(flags.keep), gzip: flags.gzip, reporter, write }));
			} finally {
				reporter.close();
			}
		});
}

/** JSON lines on stdout on request; otherwise the log goes to a file and a terminal shows a progress bar. */
function demoReporter(io: CliIO, dir: string, jsonLogs: boolean): Reporter {
	if (jsonLogs) return new JsonReporter((line) => io.stdout.write(line), undefined, io.now);
	const bar = io.stderr.isTTY ? () => terminalProgressBar(io.stderr as NodeJS.WritableStream) : undefined;
	return new DemoReporter(path.join(dir, DEMO_LOG), bar, io.now);
}
