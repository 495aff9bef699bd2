import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { summaryHeadline } from '../report/summary-text';
import type { RunSummary } from '../run/run-summary';

/** The command a person runs next (from a clone, where the demo runs). */
export const DEMO_AGAIN = 'npm run demo -- --runs 3';

/** A run in two lines: the headline, then what was skipped or failed and why. */
export function shortSummary(summary: RunSummary): string {
	const s = summary.shipments;
	const lines = [summaryHeadline(summary)];
	if (summary.status === 'ok') {
		lines.push(
			`  ${s.due} of ${s.listed} shipment(s) due: ${s.skippedLockout} wait for the 30-minute rule, ${s.skippedTerminal} finished; ` +
				`${summary.events.duplicate} event(s) already exported, ${s.failed} failed`,
		);
	}
	if (summary.error) lines.push(`  error: ${summary.error}`);
	return `${lines.join('\n')}\n`;
}

/** The first `count` lines (header included) of a data object. */
export async function firstLines(stream: Readable, gzip: boolean, count: number): Promise<string[]> {
	const source = gzip ? stream.pipe(createGunzip()) : stream;
	let text = '';
	for await (const chunk of source as AsyncIterable<Buffer>) {
		text += chunk.toString('utf8');
		if (text.split('\n').length > count + 1) break;
	}
	stream.destroy();
	return text.split('\n').slice(0, count + 1).filter((line) => line !== '');
}
