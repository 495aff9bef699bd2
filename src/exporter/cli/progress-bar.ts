import type { ProgressBar } from '../report/reporter';

/**
 * A progress bar on a terminal stream (cli-progress, loaded only on a terminal).
 * Lines logged while it runs go through `log`, above the bar, so the two never interleave.
 */
export function terminalProgressBar(stream: NodeJS.WritableStream): ProgressBar {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { MultiBar, Presets } = require('cli-progress') as typeof import('cli-progress');
	const multi = new MultiBar(
		{
			format: ' {bar} {value}/{total} shipments | {newEvents} new events | {failed} failed | {eta_formatted}',
			stream,
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
