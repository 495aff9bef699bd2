#!/usr/bin/env node
import type { EventEmitter } from 'node:events';
import * as path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_CRON, SETTINGS, resolveConfig, type ExportConfig, type ResolvedConfig } from '../intake/settings';
import { ConfigError, EXIT, EXIT_CODE_HELP, InterruptedError, exitCodeOf, messageOf } from '../exit-codes';
import { JsonReporter, TerminalReporter, redactor, type ProgressBar, type Reporter } from '../report/reporters';
import { runExport } from '../run/run-export';
import { latestSlot, startSchedule } from './schedule';
import { Storage, lazyS3 } from '../storage/storage';

export interface CliIO {
	stdout: { write(text: string): unknown; isTTY?: boolean };
	stderr: { write(text: string): unknown; isTTY?: boolean };
	env: NodeJS.ProcessEnv;
	cwd: string;
	/** Source of SIGTERM / SIGINT; default the process. */
	signals: EventEmitter;
	now: () => Date;
}

const EXIT_CODES_HELP = `
Exit codes:
${EXIT_CODE_HELP.map(([code, meaning]) => `  ${code.padEnd(4)} ${meaning}`).join('\n')}`;

function environmentHelp(command: 'run' | 'schedule'): string {
	const rows = SETTINGS.filter((s) => s.env && (s.secret || !s.flag || (s.commands ?? ['run', 'schedule']).includes(command)));
	const secrets = rows.filter((s) => s.secret).map((s) => `  ${s.env!.padEnd(40)} ${s.description}`);
	const others = rows.filter((s) => !s.secret && !s.flag).map((s) => `  ${s.env!.padEnd(40)} ${s.description} (default "${s.default}")`);
	const mirrored = rows.filter((s) => !s.secret && s.flag).map((s) => `  ${s.env!.padEnd(40)} --${s.flag}`);
	return `
Settings come from flags, then environment variables, then the config file
(--config, or TRACKING_EXPORT_CONFIG; JSON with the same names as below, e.g.
{"output": "s3://bucket/prefix", "kuaidi100": {"customer": "...", "key": "..."}}),
then defaults. Secrets have no flag (process lists show flags): set them in the
environment or the config file.

Secrets (environment or config file only):
${secrets.join('\n')}
  S3 credentials: the AWS credential chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY,
  AWS_PROFILE, instance or pod roles), or s3.accessKeyId / s3.secretAccessKey in the file.

Other settings without a flag:
${others.join('\n')}

Environment variables of the flags:
${mirrored.join('\n')}
${EXIT_CODES_HELP}`;
}

function addSettingOptions(command: Command, which: 'run' | 'schedule'): void {
	for (const spec of SETTINGS) {
		if (spec.secret || !spec.flag) continue;
		if (!(spec.commands ?? ['run', 'schedule']).includes(which)) continue;
		const env = spec.env ? ` [env ${spec.env}]` : '';
		const shownDefault = spec.default === '' ? '' : ` (default: ${JSON.stringify(spec.default)})`;
		if (spec.kind === 'bool') {
			command.addOption(new Option(`--${spec.flag}`, `${spec.description}${shownDefault}${env}`));
			command.addOption(new Option(`--no-${spec.flag}`, `turn --${spec.flag} off`).hideHelp());
			continue;
		}
		const option = new Option(`--${spec.flag} ${spec.arg ?? '<value>'}`, `${spec.description}${shownDefault}${env}`);
		if (spec.choices) option.choices(spec.choices.filter((c) => c !== ''));
		command.addOption(option);
	}
}

/** Flag values by setting path, from commander's camelCased option names. */
function flagsOf(options: Record<string, unknown>): Record<string, unknown> {
	const flags: Record<string, unknown> = {};
	for (const spec of SETTINGS) {
		if (!spec.flag) continue;
		const name = spec.flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
		if (options[name] !== undefined) flags[spec.path] = options[name];
	}
	return flags;
}

function makeReporter(config: ExportConfig, io: CliIO, secrets: string[]): Reporter {
	const redact = redactor(secrets);
	const pretty = config.logFormat === 'pretty' || (config.logFormat === 'auto' && Boolean(io.stderr.isTTY));
	if (!pretty) return new JsonReporter((line) => io.stdout.write(line), redact, io.now);
	const makeBar = io.stderr.isTTY
		? (): ProgressBar => {
				// Loaded only on a terminal.
				// eslint-disable-next-line @typescript-eslint/no-require-imports
				const { MultiBar, Presets } = require('cli-progress') as typeof import('cli-progress');
				const multi = new MultiBar(
					{
						format: ' {bar} {value}/{total} shipments | {newEvents} new events | {failed} failed | {eta_formatted}',
						stream: io.stderr as NodeJS.WritableStream,
						hideCursor: true,
						clearOnComplete: false,
						stopOnComplete: false,
						etaBuffer: 50,
					},
					Presets.shades_classic,
				);
				let bar: ReturnType<typeof multi.create> | undefined;
				return {
					start: (total, value, payload) => {
						bar = multi.create(total, value, payload);
					},
					update: (value, payload) => bar?.update(value, payload),
					log: (text) => multi.log(text),
					stop: () => {
						// Render once more so lines logged since the last redraw are not lost.
						(multi as unknown as { update(): void }).update();
						multi.stop();
					},
				};
			}
		: undefined;
	return new TerminalReporter((t) => io.stderr.write(t), (t) => io.stdout.write(t), redact, makeBar);
}

function s3SettingsOf(config: ExportConfig) {
	return {
		...(config.s3.endpoint ? { endpoint: config.s3.endpoint } : {}),
		...(config.s3.region ? { region: config.s3.region } : {}),
		...(config.s3.forcePathStyle ? { forcePathStyle: true } : {}),
		...(config.s3.accessKeyId ? { accessKeyId: config.s3.accessKeyId } : {}),
		...(config.s3.secretAccessKey ? { secretAccessKey: config.s3.secretAccessKey } : {}),
		...(config.s3.sessionToken ? { sessionToken: config.s3.sessionToken } : {}),
	};
}

export function resolveScheduledTime(config: ExportConfig, now: Date): Date {
	const value = config.scheduledTime.trim();
	if (value === '' || value === 'now') return new Date(Math.floor(now.getTime() / 1000) * 1000);
	if (value === 'cron') return latestSlot(config.schedule.cron || DEFAULT_CRON, config.schedule.timezone, now);
	const parsed = Date.parse(value);
	if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(parsed)) {
		throw new ConfigError(`--scheduled-time must be an ISO-8601 time (2024-03-09T02:00:00Z), "now" or "cron"; got "${value}"`);
	}
	return new Date(Math.floor(parsed / 1000) * 1000);
}

interface Prepared {
	resolved: ResolvedConfig;
	reporter: Reporter;
	storage: Storage;
}

async function prepare(options: Record<string, unknown>, io: CliIO, configFile: string | undefined): Promise<Prepared> {
	const resolved = await resolveConfig({ flags: flagsOf(options), env: io.env, configFile, cwd: io.cwd });
	const reporter = makeReporter(resolved.config, io, resolved.secrets);
	for (const warning of resolved.warnings) reporter.log('warn', 'config.warning', warning);
	const storage = new Storage(lazyS3(s3SettingsOf(resolved.config)), io.cwd);
	return { resolved, reporter, storage };
}

/** First signal: finish the run in progress, then exit. Second: abort it. */
function interruptOnSignals(signals: EventEmitter, reporter: Reporter): { signal: AbortSignal; dispose: () => void } {
	const controller = new AbortController();
	let seen = 0;
	const onSignal = (name: NodeJS.Signals) => {
		seen++;
		if (seen === 1) {
			reporter.log('info', 'run.signal', `${name}: finishing the run in progress (send ${name} again to abort it; nothing is committed then)`);
			return;
		}
		const code = name === 'SIGINT' ? EXIT.INTERRUPTED_SIGINT : EXIT.INTERRUPTED_SIGTERM;
		controller.abort(new InterruptedError(`Interrupted by ${name}`, code));
	};
	signals.on('SIGTERM', onSignal);
	signals.on('SIGINT', onSignal);
	return {
		signal: controller.signal,
		dispose: () => {
			signals.off('SIGTERM', onSignal);
			signals.off('SIGINT', onSignal);
		},
	};
}

export function buildProgram(io: CliIO, setExit: (code: number) => void): Command {
	const program = new Command('tracking-export');
	program
		.description(
			'Exports the tracking events of open shipments (Kuaidi100, KeyDelivery) to S3 as CSV: new events only, nothing lost, no number locked by over-querying.',
		)
		.option('-c, --config <file>', 'JSON config file [env TRACKING_EXPORT_CONFIG]')
		.version(versionOf(), '-V, --version', 'print the version')
		.helpOption('-h, --help', 'show help (also: tracking-export <command> --help)')
		.showHelpAfterError('(run with --help for usage)')
		.addHelpText('after', `\nRun "tracking-export demo" for an offline demonstration.\n${EXIT_CODES_HELP}`)
		.configureOutput({
			writeOut: (text) => io.stdout.write(text),
			writeErr: (text) => io.stderr.write(text),
		})
		.exitOverride();

	const run = program
		.command('run')
		.description('Run one export now: query the due shipments, upload their new events, commit the state.')
		.helpOption('-h, --help', 'show help for run')
		.addHelpText('after', environmentHelp('run'));
	addSettingOptions(run, 'run');
	run.action(async (options: Record<string, unknown>) => {
		const { resolved, reporter, storage } = await prepare(options, io, program.opts<{ config?: string }>().config);
		const scheduledAt = resolveScheduledTime(resolved.config, io.now());
		const interrupt = interruptOnSignals(io.signals, reporter);
		try {
			const summary = await runExport(resolved.config, scheduledAt, { storage, reporter, signal: interrupt.signal, now: io.now });
			setExit(summary.exitCode);
		} finally {
			interrupt.dispose();
			reporter.close();
			storage.dispose();
		}
	});

	const schedule = program
		.command('schedule')
		.description(
			`Run exports on a cron schedule (default "${DEFAULT_CRON}", 02:00 every day), never two at once, until SIGTERM or SIGINT, which stop it after the run in progress.`,
		)
		.helpOption('-h, --help', 'show help for schedule')
		.addHelpText('after', environmentHelp('schedule'));
	addSettingOptions(schedule, 'schedule');
	schedule.action(async (options: Record<string, unknown>) => {
		const { resolved, reporter, storage } = await prepare(options, io, program.opts<{ config?: string }>().config);
		const handle = startSchedule({
			cron: resolved.config.schedule.cron,
			timezone: resolved.config.schedule.timezone,
			reporter,
			signals: io.signals,
			runOnce: async (scheduledAt, signal) =>
				await runExport(resolved.config, scheduledAt, { storage, reporter, signal, now: io.now }),
		});
		try {
			setExit(await handle.stopped);
		} finally {
			reporter.close();
			storage.dispose();
		}
	});

	program
		.command('demo')
		.description(
			'Offline demo: starts a sandbox of the carrier services and a local S3 (s3rver) on 127.0.0.1, runs an export, prints the object key, the summary and the first rows. Needs a clone with its devDependencies.',
		)
		.helpOption('-h, --help', 'show help for demo')
		.option('--dir <path>', 'folder for the local S3 data, the state and the shipment list (a new folder, or one the demo made: it deletes nothing else)', '.demo-data')
		.option('--runs <n>', 'exports to run; between two, timelines advance and the clock moves one hour', '1')
		.option('--rows <n>', 'first rows of each object to print', '5')
		.option('--keep', 'keep the folder from the last demo (state and objects)')
		.option('--no-gzip', 'write plain .csv instead of .csv.gz')
		.option('--log-format <format>', 'auto | json | pretty', 'auto')
		.action(async (options: { dir: string; runs: string; rows: string; keep?: boolean; gzip: boolean; logFormat: string }) => {
			const runs = Number(options.runs);
			const rows = Number(options.rows);
			if (!Number.isInteger(runs) || runs < 1 || runs > 20) throw new ConfigError('--runs must be a whole number from 1 to 20');
			if (!Number.isInteger(rows) || rows < 0) throw new ConfigError('--rows must be a whole number');
			if (!['auto', 'json', 'pretty'].includes(options.logFormat)) throw new ConfigError('--log-format must be auto, json or pretty');
			// The demo runs locally: the SDK's notice about future Node versions is noise here.
			io.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
			process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
			const { runDemo } = await import('../demo/demo');
			const { config } = await resolveConfig({ env: {}, flags: { logFormat: options.logFormat } });
			const reporter = makeReporter(config, io, []);
			try {
				setExit(
					await runDemo({
						dir: path.resolve(io.cwd, options.dir),
						runs,
						rows,
						keep: Boolean(options.keep),
						gzip: options.gzip,
						reporter,
						write: (text) => io.stdout.write(text),
					}),
				);
			} finally {
				reporter.close();
			}
		});
	return program;
}

function versionOf(): string {
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		return (require('../../../../package.json') as { version: string }).version;
	} catch {
		return '0.0.0';
	}
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
