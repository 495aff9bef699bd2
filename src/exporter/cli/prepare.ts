import { DEFAULT_CRON, type ExportConfig } from '../intake/settings';
import { resolveConfig, type ResolvedConfig } from '../intake/resolve-settings';
import { ConfigError } from '../exit-codes';
import type { Reporter } from '../report/reporter';
import { Storage, lazyS3 } from '../storage/storage';
import { makeReporter } from './cli-reporter';
import { flagsOf } from './help';
import type { CliIO } from './io';
import { latestSlot } from './latest-slot';

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

export interface Prepared {
	resolved: ResolvedConfig;
	reporter: Reporter;
	storage: Storage;
}

/** Settings, reporter and storage of a run or schedule command. */
export async function prepare(options: Record<string, unknown>, io: CliIO, configFile: string | undefined): Promise<Prepared> {
	const resolved = await resolveConfig({ flags: flagsOf(options), env: io.env, configFile, cwd: io.cwd });
	const reporter = makeReporter(resolved.config, io, resolved.secrets);
	for (const warning of resolved.warnings) reporter.log('warn', 'config.warning', warning);
	const storage = new Storage(lazyS3(s3SettingsOf(resolved.config)), io.cwd);
	return { resolved, reporter, storage };
}
