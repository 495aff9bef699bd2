import { ExporterError, InterruptedError } from '../exit-codes';

/** The error that stops the fetch phase: the first one wins; the caller's abort counts as one. */
export class RunStop {
	error?: Error;

	constructor(private readonly signal?: AbortSignal) {}

	set(error: Error): void {
		this.error ??= error;
	}

	/** Whether the run must stop (checked before each query starts). */
	check(): boolean {
		if (this.signal?.aborted && !this.error) {
			const reason: unknown = this.signal.reason;
			this.error = reason instanceof ExporterError ? reason : new InterruptedError('The run was interrupted');
		}
		return this.error !== undefined;
	}
}
