/**
 * Status codes both services share: Kuaidi100's advanced codes (which KeyDelivery
 * also sends as order_status_code), their basic codes and English basic names.
 */

/** Advanced code -> basic code (the `state` values Kuaidi100 sends without resultv2=4). */
const BASIC_CODE: Record<string, string> = {
	'0': '0', '1001': '0', '1002': '0', '1003': '0',
	'1': '1', '101': '1', '102': '1', '103': '1',
	'5': '5', '501': '5',
	'3': '3', '301': '3', '302': '3', '303': '3', '304': '3',
	'6': '6',
	'4': '4', '401': '4',
	'7': '7',
	'2': '2', '201': '2', '202': '2', '203': '2', '204': '2', '205': '2', '206': '2', '207': '2', '208': '2', '209': '2', '210': '2',
	'8': '8', '10': '8', '11': '8', '12': '8', '13': '8',
	'14': '14',
};

/** English basic status names (Kuaidi100 resultv2=1 with lang=en; KeyDelivery webhook events). */
export const BASIC_NAME_EN: Record<string, string> = {
	'0': 'In Transit', '1': 'Collected', '2': 'Problem', '3': 'Delivered', '4': 'Returned', '5': 'Dispatching',
	'6': 'Returning', '7': 'Redirected', '8': 'Customs Clearance', '14': 'Refused',
};

export function basicStatusCode(code: string): string | undefined {
	return BASIC_CODE[code];
}

export function isDeliveredCode(code: string): boolean {
	return BASIC_CODE[code] === '3';
}
