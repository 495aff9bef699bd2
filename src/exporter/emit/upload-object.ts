import { ExporterError, StorageError, messageOf } from '../exit-codes';
import type { ObjectInfo } from '../run/run-summary';
import type { RunContext } from '../run/run-context';
import { manifestJson } from './manifest';
import type { ObjectWriter } from './object-writer';

export type UploadResult =
	| { ok: true; object?: ObjectInfo }
	/** `objectLeft`: the data object may still be in S3 (its removal failed); the next run adopts it. */
	| { ok: false; error: ExporterError; objectLeft: boolean };

/**
 * Completes the data object (none when no row was written), then its manifest.
 * On failure the upload is aborted and a complete object without its manifest removed.
 */
export async function uploadObject(run: RunContext, writer: ObjectWriter): Promise<UploadResult> {
	const { layout, storage } = run;
	let object: ObjectInfo | undefined;
	try {
		const written = await writer.finish();
		if (!written) return { ok: true };
		object = { url: layout.dataUrl, key: layout.dataKey, bytes: written.bytes, rows: written.rows };
		await storage.writeText(storage.parse(layout.manifestUrl), manifestJson([{ url: object.url, bytes: object.bytes, rows: object.rows }]));
		Object.assign(run.summary, { manifest: layout.manifestUrl, bytes: object.bytes });
		run.summary.objects.push(object);
		return { ok: true, object };
	} catch (error) {
		await writer.abort(error as Error);
		const objectLeft = object ? !(await removeObject(run, object)) : false;
		const failure = error instanceof ExporterError ? error : new StorageError(messageOf(error), { cause: error });
		return { ok: false, error: failure, objectLeft };
	}
}

/** Removes a data object whose manifest could not be written; false when that failed too. */
async function removeObject(run: RunContext, object: ObjectInfo): Promise<boolean> {
	try {
		await run.storage.remove(run.storage.parse(object.url));
		return true;
	} catch (removeError) {
		run.reporter.log('warn', 'cleanup.failed', `Could not remove ${object.url}: ${messageOf(removeError)}; the next run adopts it`);
		return false;
	}
}
