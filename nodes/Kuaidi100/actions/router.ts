import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import { CUSTOM_API_CALL, customApiCallError } from '../../http/custom-api-call';
import * as detectCarrier from './detectCarrier.operation';
import * as query from './query.operation';
import * as subscribe from './subscribe.operation';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	switch (operation) {
		case 'query':
			return [await query.execute.call(this, false)];
		case 'getMapTrack':
			return [await query.execute.call(this, true)];
		case 'subscribe':
			return [await subscribe.execute.call(this)];
		case 'detectCarrier':
			return [await detectCarrier.execute.call(this)];
		case CUSTOM_API_CALL:
			throw customApiCallError(this.getNode());
		default:
			throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}
}
