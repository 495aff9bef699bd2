/**
 * Setup shared by the polling tests (Only New, lockout guard): the real Kuaidi100 node
 * through n8n's engine (test/harness) against the sandbox over real HTTP, with a node
 * id that the runs of one test share, as the executions of one saved workflow do.
 */
import { randomUUID } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';
import { Kuaidi100Api } from '../../credentials/Kuaidi100Api.credentials';
import { Kuaidi100 } from '../../nodes/Kuaidi100/Kuaidi100.node';
import { SANDBOX_KUAIDI100, type Sandbox } from '../../src/sandbox';
import { harnessDeduplicator } from '../harness/deduplication';
import { executeNode, HARNESS_WORKFLOW_ID, type ExecuteNodeResult } from '../harness/n8n';

/** The documented sample (src/sandbox/sample-shipments.ts): 12 events, ends delivered (304). */
export const YT = 'YT7450353838751';
export const SF = 'SF1403829177352';

export interface PollingNode {
	id: string;
	run(parameters: IDataObject, items?: IDataObject[], continueOnFail?: boolean): Promise<ExecuteNodeResult>;
	/** Whether the node's memory in n8n's store holds `key`. */
	remembers(key: string): boolean;
	entries(): number;
}

/** One Kuaidi100 node of one saved workflow: every run() is a new execution of it. */
export function kuaidi100Node(sandbox: Sandbox, nodeId: string = randomUUID()): PollingNode {
	return {
		id: nodeId,
		run: async (parameters, items = [{}], continueOnFail = false) =>
			await executeNode({
				nodeType: new Kuaidi100(),
				nodeId,
				credentialTypes: [new Kuaidi100Api()],
				credentials: {
					kuaidi100Api: {
						customer: SANDBOX_KUAIDI100.customer,
						key: SANDBOX_KUAIDI100.key,
						baseUrl: sandbox.kuaidi100BaseUrl,
					},
				},
				parameters: { operation: 'query', options: { attempts: 1, timeoutMs: 5000 }, ...parameters } as never,
				items: items.map((json) => ({ json: json as never })),
				mode: 'trigger',
				continueOnFail,
			}),
		remembers: (key) => harnessDeduplicator.has(HARNESS_WORKFLOW_ID, nodeId, key),
		entries: () => harnessDeduplicator.entryCount(HARNESS_WORKFLOW_ID, nodeId),
	};
}

export const queriesOf = (sandbox: Sandbox, number: string) =>
	sandbox.requests.filter((r) => r.path === '/poll/query.do' && JSON.parse(new URLSearchParams(r.rawBody).get('param') ?? '{}').num === number);

export const json = (result: ExecuteNodeResult) => result.items.map((item) => item.json);
