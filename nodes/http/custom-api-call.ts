import { NodeOperationError, type INode } from 'n8n-workflow';

/** The operation value n8n's loader adds to a node whose credential declares `authenticate`. */
export const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';

/**
 * The editor opens an HTTP Request node for it; a workflow that still runs the
 * operation on this node (imported JSON, say) is told where the call belongs.
 */
export function customApiCallError(node: INode): NodeOperationError {
	return new NodeOperationError(node, 'Custom API Call runs in an HTTP Request node, not in this node', {
		description:
			"Add an HTTP Request node, set Authentication to 'Predefined Credential Type' and pick this node's credential: it signs the request. See docs/custom-api-call.md.",
	});
}
