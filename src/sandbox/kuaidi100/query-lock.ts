/**
 * Kuaidi100's lockout of a repeated query: after a successful answer for a
 * com+num, the same com+num asked again (query or map track) within the window
 * of the sandbox clock is refused. Refused attempts do not extend the lock.
 */
import type { Reply } from '../http/reply';
import type { SandboxLockoutReply, SandboxOptions } from '../types';
import { kuaidi100Error } from './replies';

export const DEFAULT_LOCKOUT_MESSAGE = '该单号查询过于频繁，已被锁定，请30分钟后再查 (locked: same number queried within 30 minutes)';

export class RepeatQueryLock {
	private readonly lastAnswered = new Map<string, number>();
	private readonly enforce: boolean;
	private readonly windowMs: number;
	private readonly reply: SandboxLockoutReply;

	constructor(
		options: Pick<SandboxOptions, 'enforceLockout' | 'lockoutMinutes' | 'lockoutReply'>,
		private readonly now: () => Date,
	) {
		this.enforce = options.enforceLockout ?? true;
		this.windowMs = (options.lockoutMinutes ?? 30) * 60_000;
		// 400 by default: not retryable, as retrying a locked number only makes it worse.
		this.reply = options.lockoutReply ?? { returnCode: '400', message: DEFAULT_LOCKOUT_MESSAGE };
	}

	/** The lockout reply while `key` (com|num) is locked, else undefined. */
	refusal(key: string): Reply | undefined {
		if (!this.enforce) return undefined;
		const last = this.lastAnswered.get(key);
		if (last === undefined || this.now().getTime() - last >= this.windowMs) return undefined;
		return kuaidi100Error(this.reply.returnCode, this.reply.message);
	}

	/** A successful answer for `key` starts (or restarts) its lock. */
	stamp(key: string): void {
		this.lastAnswered.set(key, this.now().getTime());
	}

	clear(): void {
		this.lastAnswered.clear();
	}
}
