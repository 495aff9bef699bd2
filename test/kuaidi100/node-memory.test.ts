/**
 * The node memory's edges that n8n-core 1.122 (which always offers the store) cannot
 * show through the harness: an n8n without the deduplication store, and a store that
 * fails. The execute context is a minimal stand-in for n8n's; the code under test is real.
 */
import { randomUUID } from 'node:crypto';
import type { IExecuteFunctions } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { openNodeMemory } from '../../nodes/node-memory/key-memory';

function context(helpers: Record<string, unknown>, workflowId = 'wf1', nodeId: string = randomUUID()): IExecuteFunctions {
	return {
		getNode: () => ({ id: nodeId, name: 'Kuaidi100', type: 'n8n-nodes-kuaidi100.kuaidi100', typeVersion: 1, position: [0, 0], parameters: {} }),
		getWorkflow: () => ({ id: workflowId, name: 'wf', active: false }),
		helpers,
	} as unknown as IExecuteFunctions;
}

describe('node memory', () => {
	it('Only New on an n8n without the store: an error that says what to do', () => {
		expect(() => openNodeMemory(context({}), 1000, true)).toThrow(/no deduplication store/);
		try {
			openNodeMemory(context({}), 1000, true);
		} catch (error) {
			expect((error as { description?: string }).description).toMatch(/Update n8n|turn "Only New" off/);
		}
	});

	it('the lockout guard alone falls back to this process: same contract, bounded, per node', async () => {
		const nodeId = randomUUID();
		const memory = openNodeMemory(context({}, 'wf1', nodeId), 1000, false);
		expect(memory.durable).toBe(false);
		expect([...(await memory.recordNew(['a', 'b', 'a']))]).toEqual(['a', 'b']);
		expect([...(await memory.recordNew(['a', 'c']))]).toEqual(['c']);
		await memory.forget(['a']);
		expect([...(await openNodeMemory(context({}, 'wf1', nodeId), 1000, false).recordNew(['a', 'b']))]).toEqual(['a']);
		expect([...(await openNodeMemory(context({}, 'wf1'), 1000, false).recordNew(['a']))]).toEqual(['a']);
		const keys = Array.from({ length: 1500 }, (_, i) => `k${i}`);
		await memory.recordNew(keys);
		expect((await memory.recordNew(['k0', 'k1499'])).has('k0')).toBe(true); // the oldest went first
	});

	it('a failing store becomes a node error that says where the memory lives', async () => {
		const failing = { checkProcessedAndRecord: async () => await Promise.reject(new Error('SQLITE_BUSY')), removeProcessed: async () => undefined };
		const memory = openNodeMemory(context(failing), 1000, true);
		await expect(memory.recordNew(['a'])).rejects.toThrow(/deduplication store failed: SQLITE_BUSY/);
		await expect(memory.recordNew(['a'])).rejects.toMatchObject({ description: expect.stringMatching(/n8n's database/) });
	});

	it('a never-saved workflow (no id): Only New asks to save it; the lockout guard alone uses this process', async () => {
		const store = { checkProcessedAndRecord: async () => await Promise.reject(new Error('must not be called')), removeProcessed: async () => undefined };
		expect(() => openNodeMemory(context(store, ''), 1000, true)).toThrow(/needs a saved workflow/);
		const memory = openNodeMemory(context(store, ''), 1000, false);
		expect(memory.durable).toBe(false);
		expect([...(await memory.recordNew(['a']))]).toEqual(['a']);
	});

	it('passes n8n the node scope, "entries" mode and the size bound, each key once', async () => {
		const calls: unknown[][] = [];
		const store = {
			checkProcessedAndRecord: async (...args: unknown[]) => {
				calls.push(args);
				return { new: ['x'], processed: ['y'] };
			},
			removeProcessed: async (...args: unknown[]) => void calls.push(args),
		};
		const memory = openNodeMemory(context(store), 1234, true);
		expect([...(await memory.recordNew(['x', 'y', 'x']))]).toEqual(['x']);
		await memory.forget([]);
		expect(calls).toEqual([[['x', 'y'], 'node', { mode: 'entries', maxEntries: 1234 }]]);
	});
});
