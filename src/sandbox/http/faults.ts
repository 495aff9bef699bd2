/** Scripted failures (Sandbox.failNext): queued per provider, used in order, answered in the provider's own shape. */
import type { SandboxFault, SandboxProvider } from '../types';
import { httpErrorPage, type Reply } from './reply';

/** How one provider's servers answer a scripted fault. */
export interface FaultReplies {
	/** Truncated, unparsable JSON as the provider would cut it off. */
	brokenBody: Omit<Reply, 'status'>;
	/** The provider's error envelope for `code`, as the endpoint at `path` words it. */
	codeReply(code: string, path: string): Reply;
}

interface QueuedFault extends SandboxFault {
	remaining: number;
}

export class FaultQueue {
	private readonly queues: Record<SandboxProvider, QueuedFault[]> = { kuaidi100: [], keydelivery: [] };

	add(provider: SandboxProvider, fault: SandboxFault): void {
		this.queues[provider].push({ ...fault, remaining: Math.max(1, Math.floor(fault.times ?? 1)) });
	}

	/** The first queued fault matching the path, counted as used once. */
	take(provider: SandboxProvider, path: string): SandboxFault | undefined {
		const queue = this.queues[provider];
		const index = queue.findIndex((fault) => fault.path === undefined || fault.path === path);
		if (index < 0) return undefined;
		const fault = queue[index];
		fault.remaining -= 1;
		if (fault.remaining <= 0) queue.splice(index, 1);
		return fault;
	}
}

/** The canned answer of a fault; undefined when it only delays (or resets), so the request is handled normally. */
export function faultReply(fault: SandboxFault, path: string, replies: FaultReplies): Reply | undefined {
	const status = fault.httpStatus ?? 200;
	if (fault.brokenBody) return { ...replies.brokenBody, status };
	if (fault.code !== undefined) return { ...replies.codeReply(String(fault.code), path), status };
	if (fault.httpStatus !== undefined) return httpErrorPage(status);
	return undefined;
}
