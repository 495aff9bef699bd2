import type { RunSummary } from '../run/run-summary';

export function summaryHeadline(summary: RunSummary): string {
	switch (summary.status) {
		case 'ok':
			return `Run ${summary.runId} done: ${summary.events.new} new event(s) from ${summary.shipments.queried} shipment(s)`;
		case 'already-done':
			return `Run ${summary.runId} was already completed: nothing to do`;
		case 'fatal':
			return `Run ${summary.runId} stopped by an account error; nothing was committed`;
		case 'interrupted':
			return `Run ${summary.runId} interrupted; nothing was committed`;
		case 'config':
			return `Run ${summary.runId} not started: configuration error`;
		default:
			return `Run ${summary.runId} failed; nothing was committed, a rerun is safe`;
	}
}

function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
	return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** The summary as a few readable lines. */
export function formatSummary(summary: RunSummary): string {
	const s = summary.shipments;
	const lines = [
		summaryHeadline(summary),
		`  shipments: ${s.listed} listed, ${s.badRows} bad row(s), ${s.due} due, ${s.queried} queried, ` +
			`${s.skippedLockout} skipped by the 30-minute rule, ${s.skippedTerminal} finished, ` +
			`${s.noResultYet} without result yet, ${s.failed} failed`,
		`  events:    ${summary.events.fetched} fetched, ${summary.events.new} new, ${summary.events.duplicate} already exported`,
	];
	for (const object of summary.objects) lines.push(`  object:    ${object.url} (${object.rows} rows, ${formatBytes(object.bytes)})`);
	if (summary.objects.length === 0 && summary.status === 'ok') lines.push('  object:    none (no new events)');
	if (summary.manifest) lines.push(`  manifest:  ${summary.manifest}`);
	if (summary.recovered) {
		lines.push(`  recovered: run ${summary.recovered.runId} (${summary.recovered.events} events) was in S3 but not committed; adopted`);
	}
	for (const warning of summary.warnings ?? []) lines.push(`  warning:   ${warning}`);
	lines.push(`  duration:  ${(summary.durationMs / 1000).toFixed(1)} s, exit code ${summary.exitCode}`);
	if (summary.error) lines.push(`  error:     ${summary.error}`);
	return `${lines.join('\n')}\n`;
}
