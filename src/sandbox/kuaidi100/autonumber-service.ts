/**
 * The fake Kuaidi100 autonumber server (/autonumber/auto, another host in
 * reality): candidate carriers for a number. Undocumented choices: a missing or
 * wrong key answers 600, an expired key 601, a missing num 400.
 */
import type { FakeService } from '../http/server';
import type { Reply } from '../http/reply';
import type { SandboxRequest } from '../http/request';
import type { Kuaidi100Fake } from './fake';
import { kuaidi100Error, kuaidi100FaultReplies, kuaidi100Reply } from './replies';

export function kuaidi100AutonumberService(fake: Kuaidi100Fake): FakeService {
	return {
		provider: 'kuaidi100',
		faultReplies: kuaidi100FaultReplies,
		routes: { '/autonumber/auto': (request) => answerAutonumber(fake, request) },
	};
}

function answerAutonumber(fake: Kuaidi100Fake, { method, query }: SandboxRequest): Reply {
	if (method !== 'GET') return kuaidi100Error('400', '请使用GET请求');
	if ((query.key ?? '') !== fake.account.key) return kuaidi100Error('600', '您不是合法的用户（即授权Key出错）');
	if (fake.world.account.kuaidi100KeyExpired) return kuaidi100Error('601');
	const num = query.num ?? '';
	if (!num) return kuaidi100Error('400', '参数num不能为空');
	const candidates = fake.world.guessCarriers('kuaidi100', num).map((comCode) => ({
		comCode,
		name: fake.carriers[comCode] ?? comCode,
		lengthPre: num.length,
		noCount: 1000,
	}));
	return kuaidi100Reply(candidates);
}
