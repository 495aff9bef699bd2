import { parseOutputLocation, s3Url } from '../storage/location';

/**
 * Where a run's objects go. Everything derives from the scheduled time, so a
 * retried run writes the very same keys instead of adding objects:
 *
 *   {prefix}/dt=YYYY-MM-DD/{run id}.csv[.gz]            the data (only when there are events)
 *   {prefix}/_manifests/dt=YYYY-MM-DD/{run id}.manifest  Redshift-style manifest, written after the data
 *
 * The run id is the scheduled time in UTC, e.g. 20240309T020000Z. The manifests
 * sit under a folder starting with "_", which Hive, Spark, Athena and Glue skip
 * when they read the prefix as a table.
 */
export interface RunLayout {
	runId: string;
	scheduledAt: string;
	/** dt partition value (UTC date of the scheduled time). */
	date: string;
	bucket: string;
	dataKey: string;
	manifestKey: string;
	dataUrl: string;
	manifestUrl: string;
}

export function runIdOf(scheduledAt: Date): string {
	return scheduledAt.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

export function runLayout(output: string, scheduledAt: Date, gzip: boolean): RunLayout {
	const { bucket, prefix } = parseOutputLocation(output);
	const runId = runIdOf(scheduledAt);
	const date = scheduledAt.toISOString().slice(0, 10);
	const base = prefix ? `${prefix}/` : '';
	const dataKey = `${base}dt=${date}/${runId}.csv${gzip ? '.gz' : ''}`;
	const manifestKey = `${base}_manifests/dt=${date}/${runId}.manifest`;
	return {
		runId,
		scheduledAt: scheduledAt.toISOString(),
		date,
		bucket,
		dataKey,
		manifestKey,
		dataUrl: s3Url(bucket, dataKey),
		manifestUrl: s3Url(bucket, manifestKey),
	};
}
