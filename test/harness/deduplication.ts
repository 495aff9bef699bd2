/**
 * n8n's deduplication store for the harness. n8n-core's node contexts call
 * `DataDeduplicationService` (real, from n8n-core); behind it n8n's packages/cli plugs
 * a database-backed `DeduplicationHelper`, which is not published on its own. This is
 * that helper rebuilt over a Map instead of the `processed_data` table, with the same
 * contract as n8n 1.123 and 2.41 (identical there): one row per (workflow, context),
 * MD5-base64 hashes of the values, FIFO trimming to `maxEntries`, a mode mismatch is an
 * error, and a read-modify-write of the whole row with no lock (the DB round trips are
 * a macrotask each here, so calls that meet interleave as they do against the DB).
 */
import './env';

import { createHash } from 'node:crypto';
import { DataDeduplicationService } from 'n8n-core';
import type {
	DeduplicationItemTypes,
	DeduplicationScope,
	ICheckProcessedContextData,
	ICheckProcessedOptions,
	IDataDeduplicator,
	IDeduplicationOutput,
} from 'n8n-workflow';

interface Row {
	mode: string;
	data: string[];
}


function hash(value: DeduplicationItemTypes): string {
	return createHash('md5').update(value.toString()).digest('base64');
}

class InMemoryDeduplicator implements IDataDeduplicator {
	/** Rows as the DB holds them: serialized, so every read is a copy. */
	readonly rows = new Map<string, string>();
	/** How many times a row was written (each is one DB UPDATE/INSERT in n8n). */
	writes = 0;
	/** Time per DB round trip; tests where executions meet raise it so their calls overlap. */
	latencyMs = 0;

	private async roundTrip(): Promise<void> {
		await new Promise<void>((resolve) => (this.latencyMs > 0 ? setTimeout(resolve, this.latencyMs) : setImmediate(resolve)));
	}

	private rowKey(scope: DeduplicationScope, context: ICheckProcessedContextData): string {
		if (!context.workflow.id) throw new Error('AssertionError: workflow id is required');
		if (scope === 'node' && !context.node) {
			throw new Error("No node information has been provided and so cannot use scope 'node'");
		}
		return `${context.workflow.id}|${scope === 'node' ? `n:${context.node!.id}` : ''}`;
	}

	private async read(key: string): Promise<Row | undefined> {
		await this.roundTrip();
		const stored = this.rows.get(key);
		return stored === undefined ? undefined : (JSON.parse(stored) as Row);
	}

	private async write(key: string, row: Row): Promise<void> {
		await this.roundTrip();
		this.writes++;
		this.rows.set(key, JSON.stringify(row));
	}

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		context: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<IDeduplicationOutput> {
		if (options.mode !== 'entries') throw new Error(`The harness store implements mode "entries" only, not "${options.mode}"`);
		const key = this.rowKey(scope, context);
		const row = await this.read(key);
		if (row && row.mode !== options.mode) {
			throw new Error('Deduplication data was originally saved with an incompatible setting of the ‘Keep Items Where’ parameter.');
		}
		const hashed = items.map(hash);
		if (!row) {
			if (options.maxEntries) hashed.splice(0, hashed.length - options.maxEntries);
			await this.write(key, { mode: options.mode, data: hashed });
			return { new: items, processed: [] };
		}
		const seen = new Set(row.data);
		const result: IDeduplicationOutput = { new: [], processed: [] };
		hashed.forEach((value, index) => {
			if (seen.has(value)) result.processed.push(items[index]);
			else {
				result.new.push(items[index]);
				row.data.push(value);
			}
		});
		if (options.maxEntries) row.data.splice(0, row.data.length - options.maxEntries);
		await this.write(key, row);
		return result;
	}

	async removeProcessed(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		context: ICheckProcessedContextData,
	): Promise<void> {
		const key = this.rowKey(scope, context);
		const row = await this.read(key);
		if (!row) return;
		for (const value of items.map(hash)) {
			const index = row.data.indexOf(value);
			if (index !== -1) row.data.splice(index, 1);
		}
		await this.write(key, row);
	}

	async clearAllProcessedItems(scope: DeduplicationScope, context: ICheckProcessedContextData): Promise<void> {
		this.rows.delete(this.rowKey(scope, context));
	}

	async getProcessedDataCount(scope: DeduplicationScope, context: ICheckProcessedContextData): Promise<number> {
		const stored = this.rows.get(this.rowKey(scope, context));
		return stored === undefined ? 0 : (JSON.parse(stored) as Row).data.length;
	}

	/** Whether `value` is recorded in the node's row (as n8n would find it). */
	has(workflowId: string, nodeId: string, value: string): boolean {
		const stored = this.rows.get(`${workflowId}|n:${nodeId}`);
		return stored !== undefined && (JSON.parse(stored) as Row).data.includes(hash(value));
	}

	entryCount(workflowId: string, nodeId: string): number {
		const stored = this.rows.get(`${workflowId}|n:${nodeId}`);
		return stored === undefined ? 0 : (JSON.parse(stored) as Row).data.length;
	}
}

/** The store every harness execution in this process uses (n8n allows one init per process). */
export const harnessDeduplicator = new InMemoryDeduplicator();

const initialized = (async () => {
	try {
		DataDeduplicationService.getInstance();
	} catch {
		await DataDeduplicationService.init(harnessDeduplicator);
	}
})();

/** Resolves once n8n-core's service uses the harness store. */
export async function deduplicationReady(): Promise<void> {
	await initialized;
}
