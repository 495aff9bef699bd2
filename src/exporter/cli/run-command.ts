import type { Command } from 'commander';
import { runExport } from '../run/run-export';
import { addSettingOptions, environmentHelp } from './help';
import type { CliIO } from './io';
import { prepare, resolveScheduledTime } from './prepare';
import { interruptOnSignals } from './signals';

/** `tracking-export run`: one export now. */
export function addRunCommand(program: Command, io: CliIO, setExit: (code: number) => void): void {
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
}
