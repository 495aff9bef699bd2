import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventId, text } from '../../src/normalize/event';
import { localTimeToUtcIso } from '../../src/normalize/time';

/** The definitions the fast paths must keep (contract: missing values become ''). */
function referenceText(value: unknown): string {
	if (value === null || value === undefined) return '';
	const s = typeof value === 'string' ? value : String(value);
	const trimmed = s.trim();
	if (trimmed === '' || trimmed.toLowerCase() === 'null') return '';
	return s;
}

describe('normalizer fast paths give the defined results', () => {
	it('text(): the same as trim-then-check for any mix of letters, CJK, "null" and every trimmed whitespace', () => {
		const pieces = ['a', 'null', 'NULL', 'Null', ' ', '\t', '\n', '\r', '\u00a0', '\u1680', '\u2000', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', '\u0085', '\u200b', '签收', 'x,y', '0'];
		let seed = 11;
		const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
		for (let i = 0; i < 20_000; i++) {
			const value = Array.from({ length: Math.floor(random() * 5) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
			expect(text(value)).toBe(referenceText(value));
		}
		for (const value of [null, undefined, 0, 117.2, ' null ', 'nulls', '  null', 'null\u3000']) expect(text(value)).toBe(referenceText(value));
	});

	it('event_id: SHA-256 of the six fields joined by "|"', () => {
		const fields = { provider: 'kuaidi100', carrier: 'yuantong', tracking_number: 'YT7450353838751', event_time: '2024-03-09T02:47:53.000Z', status_code: '0', description: '快件在【上海转运中心】完成分拣' } as const;
		const expected = createHash('sha256').update(Object.values(fields).join('|'), 'utf8').digest('hex');
		expect(eventId(fields)).toBe(expected);
	});

	it('local times: the conversion cache keeps zones apart', () => {
		expect(localTimeToUtcIso('2024-03-09 10:47:53', 'Asia/Shanghai')).toBe('2024-03-09T02:47:53.000Z');
		expect(localTimeToUtcIso('2024-03-09 10:47:53', 'Europe/Berlin')).toBe('2024-03-09T09:47:53.000Z');
		expect(localTimeToUtcIso('2024-03-09 10:47:53', '+08:00')).toBe('2024-03-09T02:47:53.000Z');
		expect(localTimeToUtcIso('2024-03-09 10:47:53', 'Asia/Shanghai')).toBe('2024-03-09T02:47:53.000Z');
	});
});
