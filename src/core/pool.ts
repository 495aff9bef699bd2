/**
 * The one concurrency pool of the nodes and the exporter: `task` runs over
 * `items` in index order with at most `concurrency` in flight. `shouldStop` is
 * checked before each item is started: once it says yes, no new item starts and
 * the call resolves when the ones in flight are done.
 */
export async function runPool<T>(
	items: readonly T[],
	concurrency: number,
	task: (item: T, index: number) => Promise<void>,
	shouldStop: () => boolean = () => false,
): Promise<{ started: number }> {
	let nextIndex = 0;
	const worker = async () => {
		while (!shouldStop() && nextIndex < items.length) {
			const index = nextIndex++;
			await task(items[index], index);
		}
	};
	const workers = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker);
	await Promise.all(workers);
	return { started: nextIndex };
}
