import type { IDataObject, IExecuteFunctions, INodeExecutionData, NodeApiError, NodeOperationError } from 'n8n-workflow';
import { TrackingApiError } from '../../src/core/tracking-api-error';
import { runPool } from '../../src/core/pool';
import { errorItemJson, toNodeError } from './item-errors';

/** What one input item asks for. Items with the same `requestKey` share one request. */
export interface ItemRequest<T> {
	requestKey: string;
	send: () => Promise<T>;
	/** Turns the (possibly shared) result into this item's output json objects. */
	output: (result: T) => IDataObject[];
}

/**
 * Runs tasks with at most `limit` in flight; results keep their input positions.
 * After an account-level failure (wrong key or secret, no quota) every request would
 * fail the same way, so the tasks not yet started get that error without being sent.
 */
async function mapWithConcurrency<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<Array<PromiseSettledResult<T>>> {
	const results: Array<PromiseSettledResult<T>> = new Array(tasks.length);
	let fatal: TrackingApiError | undefined;
	await runPool(tasks, limit, async (task, index) => {
		if (fatal) {
			results[index] = { status: 'rejected', reason: fatal };
			return;
		}
		try {
			results[index] = { status: 'fulfilled', value: await task() };
		} catch (reason) {
			if (reason instanceof TrackingApiError && reason.fatal) fatal = reason;
			results[index] = { status: 'rejected', reason };
		}
	});
	return results;
}

type ItemPlan<T> = { request: ItemRequest<T>; error?: undefined } | { request?: undefined; error: NodeApiError | NodeOperationError };

/** Every item's request, or its input error (which stops the node unless "Continue On Fail" is on). */
function planItems<T>(ctx: IExecuteFunctions, describe: (itemIndex: number) => ItemRequest<T>): Array<ItemPlan<T>> {
	const node = ctx.getNode();
	const continueOnFail = ctx.continueOnFail();
	return ctx.getInputData().map((_, itemIndex) => {
		try {
			return { request: describe(itemIndex) };
		} catch (error) {
			const nodeError = toNodeError(node, error, itemIndex);
			if (!continueOnFail) throw nodeError;
			return { error: nodeError };
		}
	});
}

/** One task per distinct request key, and which task serves each key. */
function distinctTasks<T>(plans: Array<ItemPlan<T>>): { tasks: Array<() => Promise<T>>; taskOf: Map<string, number> } {
	const taskOf = new Map<string, number>();
	const tasks: Array<() => Promise<T>> = [];
	for (const { request } of plans) {
		if (!request || taskOf.has(request.requestKey)) continue;
		taskOf.set(request.requestKey, tasks.length);
		tasks.push(request.send);
	}
	return { tasks, taskOf };
}

/**
 * The per-item discipline every operation shares: validate all items before any
 * request, send each distinct request once (the 30-minute lockout makes repeats
 * costly), bounded concurrency, output in input order with pairedItem, and per-item
 * errors that either stop the node or become error items under "Continue On Fail".
 * `afterSend` sees every successful result before any output is built (e.g. to check
 * them all against the node's memory in one call).
 */
export async function runItems<T>(
	ctx: IExecuteFunctions,
	describe: (itemIndex: number) => ItemRequest<T>,
	concurrency: number,
	afterSend?: (results: T[]) => Promise<void>,
): Promise<INodeExecutionData[]> {
	const plans = planItems(ctx, describe);
	const { tasks, taskOf } = distinctTasks(plans);
	const settled = await mapWithConcurrency(tasks, concurrency);
	if (afterSend) {
		await afterSend(settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : [])));
	}
	const node = ctx.getNode();
	const continueOnFail = ctx.continueOnFail();
	return plans.flatMap((plan, itemIndex): INodeExecutionData[] => {
		const pairedItem = { item: itemIndex };
		let error = plan.error;
		if (plan.request) {
			const outcome = settled[taskOf.get(plan.request.requestKey)!];
			if (outcome.status === 'fulfilled') return plan.request.output(outcome.value).map((json) => ({ json, pairedItem }));
			error = toNodeError(node, outcome.reason, itemIndex);
		}
		if (!continueOnFail) throw error;
		return [{ json: errorItemJson(error!), pairedItem }];
	});
}
