import cron from 'node-cron';
import { ConfigError } from '../exit-codes';

/**
 * The latest slot of a cron expression at or before `now` (for `run
 * --scheduled-time cron`, so a retried CronJob reuses its run id). Looks back
 * minute by minute (second by second for 6-field expressions), up to 8 days.
 */
export function latestSlot(expression: string, timezone: string, now: Date): Date {
	if (!cron.validate(expression)) throw new ConfigError(`"${expression}" is not a valid cron expression`);
	const task = cron.createTask(expression, () => {}, { timezone });
	try {
		const withSeconds = expression.trim().split(/\s+/).length === 6;
		const step = withSeconds ? 1000 : 60_000;
		const limit = withSeconds ? 3600 : 8 * 24 * 60;
		let t = Math.floor(now.getTime() / step) * step;
		for (let i = 0; i <= limit; i++, t -= step) {
			if (task.match(new Date(t))) return new Date(t);
		}
	} finally {
		void task.destroy();
	}
	throw new ConfigError(`"${expression}" has no slot in the last ${expression.trim().split(/\s+/).length === 6 ? 'hour' : '8 days'}: give --scheduled-time explicitly`);
}
