/** How Kuaidi100 words its answers: the JSON envelope, the codes and messages of the query and subscribe documentation. */
import { jsonReply, type Reply } from '../http/reply';
import type { FaultReplies } from '../http/faults';

export const KUAIDI100_JSON = 'application/json;charset=UTF-8';

/** Query, map track and autonumber codes. */
export const QUERY_MESSAGES: Record<string, string> = {
	'200': 'ok',
	'400': '找不到对应公司',
	'408': '快递公司参数异常：验证码错误',
	'500': '查询无结果，请隔段时间再查',
	'501': '服务器错误',
	'502': '服务器繁忙',
	'503': '验证签名失败',
	'601': 'key已过期',
};

/** Subscribe (/poll) codes. */
export const SUBSCRIBE_MESSAGES: Record<string, string> = {
	'200': '提交成功',
	'500': '服务器错误',
	'501': '重复订阅',
	'600': '您不是合法的订阅者（即授权Key出错）',
	'601': 'POLL:KEY已过期',
	'700': '订阅方的订阅数据存在错误（如不支持的快递公司、单号为空、单号超长等）或错误的回调地址',
	'701': '拒绝订阅的快递公司',
	'702': 'POLL:识别不到该单号对应的快递公司',
};

export function kuaidi100Reply(body: unknown): Reply {
	return jsonReply(body, KUAIDI100_JSON);
}

/** {result:false, returnCode, message}; the message defaults to the documented one of `table`. */
export function kuaidi100Error(code: string, message?: string, table = QUERY_MESSAGES): Reply {
	return kuaidi100Reply({ result: false, returnCode: code, message: message ?? table[code] ?? '服务器错误' });
}

export function subscribeError(code: string): Reply {
	return kuaidi100Error(code, undefined, SUBSCRIBE_MESSAGES);
}

export const kuaidi100FaultReplies: FaultReplies = {
	brokenBody: {
		body: '{"message":"ok","nu":"YT7450353838751","ischeck":"1","com":"yuantong","status":"200","data":[{"time":"2024-03-09 10:4',
		contentType: KUAIDI100_JSON,
	},
	codeReply: (code, path) => (path === '/poll' ? subscribeError(code) : kuaidi100Error(code)),
};
