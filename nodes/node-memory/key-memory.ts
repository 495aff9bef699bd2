import { NodeOperationError, type IExecuteFunctions, type INode } from 'n8n-workflow';

/**
 * What a node of ours remembers across executions: keys it has recorded, held in
 * n8n's own deduplication store ('node' scope: table `processed_data`, one row per
 * workflow and node, in n8n's database in 1.x and 2.x). n8n keeps a 24-character MD5
 * hash per key and, past `maxEntries`, drops the oldest.
 */
export interface KeyMemory {
	/** Records the keys; returns those that were not recorded before. */
	recordNew(keys: string[]): Promise<Set<string>>;
	/** Forgets the keys (no-op for keys never recorded). */
	forget(keys: string[]): Promise<void>;
	/**
	 * Runs `work` alone among the executions of this node in this process. n8n's store
	 * reads the whole row and writes it back with no lock, so two executions that meet
	 * would both find a key new, and the later write would drop the other's keys.
	 */
	exclusive<T>(work: () => Promise<T>): Promise<T>;
	/** False when n8n offers no deduplication store and only this process remembers. */
	readonly durable: boolean;
}

/** Default bound on remembered keys: about 27 bytes each in n8n's row, so about 1.4 MB. */
export const DEFAULT_MEMORY_SIZE = 50_000;
export const MIN_MEMORY_SIZE = 1_000;

const queues = new Map<string, Promise<void>>();

async function exclusive<T>(lockKey: string, work: () => Promise<T>): Promise<T> {
	const previous = queues.get(lockKey) ?? Promise.resolve();
	let release!: () => void;
	const mine = previous.then(() => new Promise<void>((resolve) => (release = resolve)));
	queues.set(lockKey, mine);
	await previous;
	try {
		return await work();
	} finally {
		release();
		if (queues.get(lockKey) === mine) queues.delete(lockKey);
	}
}

/** The same contract for n8n versions without the store: this process only, FIFO-bounded. */
const processFallback = new Map<string, Set<string>>();

function fallbackMemory(lockKey: string, maxEntries: number): KeyMemory {
	let keys = processFallback.get(lockKey);
	if (!keys) processFallback.set(lockKey, (keys = new Set()));
	const held = keys;
	return {
		durable: false,
		exclusive: async (work) => await exclusive(lockKey, work),
		async recordNew(candidates) {
			const fresh = new Set<string>();
			for (const key of candidates) {
				if (held.has(key)) continue;
				fresh.add(key);
				held.add(key);
			}
			for (const key of held) {
				if (held.size <= maxEntries) break;
				held.delete(key);
			}
			return fresh;
		},
		async forget(candidates) {
			for (const key of candidates) held.delete(key);
		},
	};
}

type DeduplicationHelpers = Pick<IExecuteFunctions['helpers'], 'checkProcessedAndRecord' | 'removeProcessed'>;

/** The memory in n8n's deduplication store; a failing store is an error that says what to do. */
function storeMemory(helpers: DeduplicationHelpers, node: INode, lockKey: string, maxEntries: number): KeyMemory {
	const options = { mode: 'entries' as const, maxEntries };
	const fail = (error: unknown): never => {
		const reason = error instanceof Error ? error.message : String(error);
		throw new NodeOperationError(node, `n8n's deduplication store failed: ${reason}`, {
			description: 'The node keeps its memory ("Only New", the lockout guard) in n8n\'s database. Try again; if it persists, check the database.',
		});
	};
	return {
		durable: true,
		exclusive: async (work) => await exclusive(lockKey, work),
		async recordNew(keys) {
			const unique = [...new Set(keys)];
			if (unique.length === 0) return new Set();
			try {
				const result = await helpers.checkProcessedAndRecord(unique, 'node', options);
				return new Set(result.new.map(String));
			} catch (error) {
				return fail(error);
			}
		},
		async forget(keys) {
			const unique = [...new Set(keys)];
			if (unique.length === 0) return;
			try {
				await helpers.removeProcessed(unique, 'node', options);
			} catch (error) {
				fail(error);
			}
		},
	};
}

/**
 * This node's memory. `required` (Only New) makes a missing store an error that says
 * what to do; otherwise (the lockout guard alone) the node falls back to this process.
 */
export function openNodeMemory(ctx: IExecuteFunctions, maxEntries: number, required: boolean): KeyMemory {
	const node = ctx.getNode();
	const workflowId = String(ctx.getWorkflow().id ?? '');
	const lockKey = `${workflowId}\u0000${node.id}`;
	const helpers = ctx.helpers as Partial<DeduplicationHelpers>;
	if (typeof helpers.checkProcessedAndRecord !== 'function' || typeof helpers.removeProcessed !== 'function') {
		if (required) {
			throw new NodeOperationError(node, 'This n8n has no deduplication store, which "Only New" keeps its memory in', {
				description: 'Update n8n: "Only New" needs the store the Remove Duplicates node uses for items seen in previous executions. Or turn "Only New" off.',
			});
		}
		return fallbackMemory(lockKey, maxEntries);
	}
	// n8n keeps the store per saved workflow; a test run of a never-saved one has no id.
	if (!workflowId) {
		if (required) {
			throw new NodeOperationError(node, '"Only New" needs a saved workflow', {
				description: "Save the workflow first: n8n keeps the node's memory per saved workflow.",
			});
		}
		return fallbackMemory(lockKey, maxEntries);
	}
	return storeMemory(helpers as DeduplicationHelpers, node, lockKey, maxEntries);
}
