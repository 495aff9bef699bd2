import { describe, expect, it } from 'vitest';
import { isTerminal, MILESTONES, milestoneOf, milestoneOfCode, TERMINAL_MILESTONES } from '../../src/normalize/milestones';
import { CONTRACT_MILESTONES } from '../sandbox/helpers';

describe('milestoneOfCode', () => {
	for (const [milestone, codes] of Object.entries(CONTRACT_MILESTONES)) {
		it(`maps ${codes.join(', ')} to ${milestone}`, () => {
			for (const code of codes) expect(milestoneOfCode(code), code).toBe(milestone);
		});
	}

	it('maps every code of the providers table and nothing else to a known milestone', () => {
		const known = Object.values(CONTRACT_MILESTONES).flat();
		expect(known).toHaveLength(36);
		expect(new Set(known).size).toBe(36);
		for (const code of ['999', '15', '9', '1004', '305', '211', '-1', 'abc', '01', '3.0']) {
			expect(milestoneOfCode(code), code).toBe('unknown');
		}
	});

	it('tolerates blanks around a code', () => {
		expect(milestoneOfCode(' 304 ')).toBe('delivered');
	});
});

describe('milestoneOf (code first, else status name)', () => {
	it('prefers the code over the name', () => {
		expect(milestoneOf('401', 'Delivered')).toBe('cancelled');
		expect(milestoneOf('999', 'Delivered')).toBe('unknown');
	});

	it.each([
		['揽收', 'picked_up'], ['在途', 'in_transit'], ['派件', 'out_for_delivery'], ['签收', 'delivered'], ['退签', 'returned'],
		['退回', 'returning'], ['转投', 'in_transit'], ['疑难', 'exception'], ['清关', 'customs'], ['拒签', 'exception'],
		['Collected', 'picked_up'], ['In Transit', 'in_transit'], ['Dispatching', 'out_for_delivery'], ['Delivered', 'delivered'],
		['Returned', 'returned'], ['Returning', 'returning'], ['Redirected', 'in_transit'], ['Problem', 'exception'],
		['Customs Clearance', 'customs'], ['Refused', 'exception'],
	])('maps the resultv2=1 status name %s to %s', (name, milestone) => {
		expect(milestoneOf('', name)).toBe(milestone);
	});

	it('an unknown or empty name without code is unknown', () => {
		expect(milestoneOf('', 'Somewhere')).toBe('unknown');
		expect(milestoneOf('', '')).toBe('unknown');
	});
});

describe('terminal milestones', () => {
	it('are delivered, returned and cancelled only', () => {
		expect([...TERMINAL_MILESTONES].sort()).toEqual(['cancelled', 'delivered', 'returned']);
		for (const milestone of MILESTONES) {
			expect(isTerminal(milestone), milestone).toBe(['delivered', 'returned', 'cancelled'].includes(milestone));
		}
	});

	it('the milestone list is the contract list', () => {
		expect([...MILESTONES].sort()).toEqual([...Object.keys(CONTRACT_MILESTONES), 'pending', 'unknown'].sort());
	});
});
