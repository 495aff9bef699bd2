import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';
import { TrackingApiError } from '../../src/core/tracking-api-error';
import { providerOf } from '../../src/providers';

/** Bad input found before any request; its message already says what to fix. */
export class InputError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'InputError';
	}
}

/** One n8n error per failed item: message = what happened, description = what to do. */
export function toNodeError(node: INode, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof InputError) {
		return new NodeOperationError(node, `Invalid input in item ${itemIndex}: ${error.message}`, {
			itemIndex,
			description: error.message,
		});
	}
	if (error instanceof TrackingApiError) {
		// A plain object, never the library error: that one holds the signed request.
		const details: JsonObject = {
			provider: error.provider,
			code: error.code,
			meaning: error.meaning,
			remedy: error.remedy,
			retryable: error.retryable,
			message: error.providerMessage ?? null,
		};
		return new NodeApiError(node, details, {
			message: `${providerOf(error.provider).label} error ${error.code} in item ${itemIndex}: ${error.meaning}`,
			description: error.providerMessage
				? `${error.remedy} (The service said: "${error.providerMessage}".)`
				: error.remedy,
			itemIndex,
		});
	}
	return new NodeOperationError(node, error instanceof Error ? error.message : String(error), { itemIndex });
}

/** The json of an error item when "Continue On Fail" is on: enough to branch on in an IF node. */
export function errorItemJson(error: NodeApiError | NodeOperationError): JsonObject {
	const context = (error as { context?: { data?: JsonObject } }).context;
	const details = (error as NodeApiError).errorResponse as JsonObject | undefined;
	return {
		error: error.message,
		description: error.description ?? null,
		code: (details?.code as string | undefined) ?? null,
		retryable: (details?.retryable as boolean | undefined) ?? false,
		...(context?.data ? { details: context.data } : {}),
	};
}
