export interface ManifestEntry {
	url: string;
	bytes: number;
	rows: number;
}

/**
 * A manifest in the format Redshift COPY ... MANIFEST reads: `entries` of
 * {url, mandatory}, with the `meta` ({content_length, record_count}) and
 * `author` keys that UNLOAD ... MANIFEST VERBOSE writes and COPY accepts. Runs
 * without events write none: COPY fails on a manifest that lists no file.
 */
export function manifestJson(entries: ManifestEntry[]): string {
	const total = (pick: (entry: ManifestEntry) => number) => entries.reduce((sum, entry) => sum + pick(entry), 0);
	return `${JSON.stringify(
		{
			entries: entries.map((entry) => ({
				url: entry.url,
				mandatory: true,
				meta: { content_length: entry.bytes, record_count: entry.rows },
			})),
			meta: { content_length: total((e) => e.bytes), record_count: total((e) => e.rows) },
			author: { name: 'tracking-export', version: '1' },
		},
		null,
		2,
	)}\n`;
}
