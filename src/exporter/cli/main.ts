#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { EXIT, exitCodeOf, messageOf } from '../exit-codes';
import { SETTINGS } from '../intake/settings';
import { redactor } from '../report/redact';
import { addDemoCommand } from './demo-command';
import { EXIT_CODES_HELP } from './help';
import type { CliIO } from './io';
import { addRunCommand } from './run-command';
import { addScheduleCommand } from './schedule-command';
import { packageVersion } from './version';

export type { CliIO } from './io';
export { resolveScheduledTime } from './prepare';

export function buildProgram(io: CliIO, setExit: (code: number) => void): Command {
	const program = new Command('tracking-export');
	program
		.description(
			'Exports the tracking events of open shipments (Kuaidi100, KeyDelivery) to S3 as CSV: new events only, nothing lost, no number locked by over-querying.',
		)
		.option('-c, --config <file>', 'JSON config file [env TRACKING_EXPORT_CONFIG]')
		.version(packageVersion(), '-V, --version', 'print the version')
		.helpOption('-h, --help', 'show help (also: tracking-export <command> --help)')
		.showHelpAfterError('(run with --help for usage)')
		.addHelpText('after', `\nRun "npm run demo" in a clone of the repository for an offline demonstration.\n${EXIT_CODES_HELP}`)
		.configureOutput({
			writeOut: (text) => io.stdout.write(text),
			writeErr: (text) => io.stderr.write(text),
		})
		.exitOverride();
	addRunCommand(program, io, setExit);
	addScheduleCommand(program, io, setExit);
	addDemoCommand(program, io, setExit);
	return program;
}

/** Runs the command line; resolves with the exit code (never calls process.exit). */
export async function main(argv: string[], partial: Partial<CliIO> = {}): Promise<number> {
	const io: CliIO = {
		stdout: partial.stdout ?? process.stdout,
		stderr: partial.stderr ?? process.stderr,
		env: partial.env ?? process.env,
		cwd: partial.cwd ?? process.cwd(),
		signals: partial.signals ?? process,
		now: partial.now ?? (() => new Date()),
	};
	let exitCode: number = EXIT.OK;
	const program = buildProgram(io, (code) => {
		exitCode = code;
	});
	try {
		if (argv.length === 0) {
			program.outputHelp();
			return EXIT.CONFIG;
		}
		await program.parseAsync(argv, { from: 'user' });
		return exitCode;
	} catch (error) {
		if (error instanceof CommanderError) {
			// --help / --version end here with code 0; usage errors were already printed.
			return error.exitCode === 0 ? EXIT.OK : EXIT.CONFIG;
		}
		// Secrets the environment holds are masked here too (the config may not have loaded).
		const secrets = SETTINGS.filter((spec) => spec.secret && spec.env).map((spec) => io.env[spec.env!] ?? '');
		io.stderr.write(redactor(secrets)(`error: ${messageOf(error)}\n`));
		return exitCodeOf(error);
	}
}

if (require.main === module) {
	// Output piped into a command that stops reading (`| head`) is no reason to crash.
	for (const stream of [process.stdout, process.stderr]) {
		stream.on('error', (error: NodeJS.ErrnoException) => {
			if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
			throw error;
		});
	}
	main(process.argv.slice(2)).then(
		(code) => {
			process.exitCode = code;
		},
		(error: unknown) => {
			process.stderr.write(`error: ${messageOf(error)}\n`);
			process.exitCode = EXIT.FAILED;
		},
	);
}