export const MILESTONES = [
	'info_received',
	'picked_up',
	'in_transit',
	'customs',
	'out_for_delivery',
	'available_for_pickup',
	'delivered',
	'exception',
	'returning',
	'returned',
	'cancelled',
	'pending',
	'unknown',
] as const;

export type Milestone = (typeof MILESTONES)[number];

/** Terminal milestones: a shipment in one of these needs no more polling. */
export const TERMINAL_MILESTONES: ReadonlySet<Milestone> = new Set(['delivered', 'returned', 'cancelled']);

const CODES: Record<Exclude<Milestone, 'pending' | 'unknown'>, string[]> = {
	info_received: ['101', '102'],
	picked_up: ['1', '103'],
	in_transit: ['0', '1001', '1002', '1003', '7'],
	customs: ['8', '10', '11', '12'],
	out_for_delivery: ['5'],
	available_for_pickup: ['501'],
	delivered: ['3', '301', '302', '303', '304'],
	exception: ['2', '201', '202', '203', '204', '205', '206', '207', '208', '209', '210', '13', '14'],
	returning: ['6'],
	returned: ['4'],
	cancelled: ['401'],
};

const MILESTONE_BY_CODE = new Map<string, Milestone>(
	Object.entries(CODES).flatMap(([milestone, codes]) => codes.map((code) => [code, milestone as Milestone])),
);

/**
 * Status names Kuaidi100 sends with resultv2=1, which carries no numeric code;
 * both the Chinese and the English (lang=en) spellings.
 */
const MILESTONE_BY_NAME = new Map<string, Milestone>([
	['揽收', 'picked_up'],
	['在途', 'in_transit'],
	['派件', 'out_for_delivery'],
	['签收', 'delivered'],
	['退签', 'returned'],
	['退回', 'returning'],
	['转投', 'in_transit'],
	['疑难', 'exception'],
	['清关', 'customs'],
	['拒签', 'exception'],
	['collected', 'picked_up'],
	['in transit', 'in_transit'],
	['dispatching', 'out_for_delivery'],
	['delivered', 'delivered'],
	['returned', 'returned'],
	['returning', 'returning'],
	['redirected', 'in_transit'],
	['problem', 'exception'],
	['customs clearance', 'customs'],
	['refused', 'exception'],
]);

/** Milestone of a provider status code; `unknown` for any code not in the contract's table. */
export function milestoneOfCode(code: string): Milestone {
	return MILESTONE_BY_CODE.get(code.trim()) ?? 'unknown';
}

/** Milestone of an event: by code when there is one, else by a known status name. */
export function milestoneOf(code: string, statusName: string): Milestone {
	if (code) return milestoneOfCode(code);
	return MILESTONE_BY_NAME.get(statusName.trim().toLowerCase()) ?? 'unknown';
}

export function isTerminal(milestone: Milestone): boolean {
	return TERMINAL_MILESTONES.has(milestone);
}
