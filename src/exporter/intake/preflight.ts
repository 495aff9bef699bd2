import { AbortMultipartUploadCommand, CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import type { RunLayout } from '../emit/object-layout';
import type { Journal } from '../state/journal';
import type { StateStore } from '../state/state-store';
import { checked } from '../storage/storage-problem';
import { formatLocation, type Storage } from '../storage/storage';

/**
 * Before the first query, the run proves that it can write where it must: the
 * state location (by saving the journal as it was read: no reservation) and the
 * output location (by starting and aborting a multipart upload at the data key:
 * no object appears, not even for a moment). A run that cannot write would otherwise spend its
 * queries, and lock its Kuaidi100 numbers for 30 minutes, for nothing.
 */
export async function preflight(storage: Storage, store: StateStore, journal: Journal, layout: RunLayout, endpoint: string): Promise<void> {
	await checked('state', formatLocation(store.journalAt), endpoint, async () => await store.saveJournal(journal));
	await checked('output', layout.dataUrl, endpoint, async () => {
		const client = storage.client;
		const started = await client.send(
			new CreateMultipartUploadCommand({ Bucket: layout.bucket, Key: layout.dataKey, ContentType: 'text/csv' }),
		);
		// Starting the upload proved the write; an upload without parts holds no bytes,
		// so a store that cannot abort (s3rver answers 405) loses nothing by it.
		await client
			.send(new AbortMultipartUploadCommand({ Bucket: layout.bucket, Key: layout.dataKey, UploadId: started.UploadId }))
			.catch(() => undefined);
	});
}
