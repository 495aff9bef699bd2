/** How KeyDelivery words its answers: {code, message}, every envelope error with HTTP 200. */
import type { FaultReplies } from '../http/faults';
import { jsonReply, type Reply } from '../http/reply';

export const KEYDELIVERY_JSON = 'application/json';

const MESSAGES: Record<string, string> = {
	'101': 'Request method GET/POST not supported',
	'102': 'Header error',
	'103': 'Invalid JSON data',
	'104': 'Invalid signature',
	'105': 'Parameter error',
	'106': 'The request is understood, but it has been refused, or access is not allowed.',
	'401': 'Unauthorized',
	'404': 'Invalid API key.',
	'405': 'The carrier_id is invalid',
	'406': 'Cannot detect the carrier',
	'500': 'Internal Server Error',
	'60101': 'No result found',
	'60201': 'Tracking already exists.',
};

export function keyDeliveryError(code: number, message?: string): Reply {
	return jsonReply({ code, message: message ?? MESSAGES[String(code)] ?? 'Error' }, KEYDELIVERY_JSON);
}

/** {code: 200, message: 'OK'}, with `data` when given. */
export function keyDeliveryOk(data?: unknown): Reply {
	return jsonReply(data === undefined ? { code: 200, message: 'OK' } : { code: 200, message: 'OK', data }, KEYDELIVERY_JSON);
}

export const keyDeliveryFaultReplies: FaultReplies = {
	brokenBody: {
		body: '{"code":200,"message":"OK","data":{"carrier_id":"usps","items":[{"context":"Out for deliv',
		contentType: KEYDELIVERY_JSON,
	},
	codeReply: (code) => keyDeliveryError(Number(code)),
};
