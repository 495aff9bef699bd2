import type { Command } from 'commander';
import { DEFAULT_CRON } from '../intake/settings';
import { runExport } from '../run/run-export';
import { addSettingOptions, environmentHelp } from './help';
import type { CliIO } from './io';
import { prepare } from './prepare';
import { startSchedule } from './schedule';

/** `tracking-export schedule`: exports on a cron schedule until SIGTERM / SIGINT. */
export function addScheduleCommand(program: Command, io: CliIO, setExit: (code: number) => void): void {
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
			runOnce: async (scheduledAt, signal) => await runExport(resolved.config, scheduledAt, { storage, reporter, signal, now: io.now }),
		});
		try {
			setExit(await handle.stopped);
		} finally {
			reporter.close();
			storage.dispose();
		}
	});
}
