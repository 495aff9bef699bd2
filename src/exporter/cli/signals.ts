import type { EventEmitter } from 'node:events';
import { EXIT, InterruptedError } from '../exit-codes';
import type { Reporter } from '../report/reporter';

/** First signal: finish the run in progress, then exit. Second: abort it. */
export function interruptOnSignals(signals: EventEmitter, reporter: Reporter): { signal: AbortSignal; dispose: () => void } {
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
