import { describe, expect, it } from 'vitest';
import { assertTimeZone, DEFAULT_SOURCE_TIME_ZONE, localTimeToUtcIso } from '../../src/normalize/time';

describe('localTimeToUtcIso', () => {
	it('reads service times as China time by default', () => {
		expect(DEFAULT_SOURCE_TIME_ZONE).toBe('Asia/Shanghai');
		expect(localTimeToUtcIso('2024-03-09 10:47:53')).toBe('2024-03-09T02:47:53.000Z');
		expect(localTimeToUtcIso('2024-03-09 10:47:53', 'Asia/Shanghai')).toBe('2024-03-09T02:47:53.000Z');
	});

	it('crosses the date line backwards', () => {
		expect(localTimeToUtcIso('2024-01-01 05:00:00')).toBe('2023-12-31T21:00:00.000Z');
	});

	it.each([
		['+08:00', '2024-03-09T02:47:53.000Z'],
		['+0800', '2024-03-09T02:47:53.000Z'],
		['-05:00', '2024-03-09T15:47:53.000Z'],
		['+05:30', '2024-03-09T05:17:53.000Z'],
		['+00:00', '2024-03-09T10:47:53.000Z'],
		['UTC', '2024-03-09T10:47:53.000Z'],
		['Asia/Tokyo', '2024-03-09T01:47:53.000Z'],
		['Asia/Kolkata', '2024-03-09T05:17:53.000Z'],
	])('honours the zone %s', (zone, expected) => {
		expect(localTimeToUtcIso('2024-03-09 10:47:53', zone)).toBe(expected);
	});

	it('follows daylight saving in IANA zones', () => {
		expect(localTimeToUtcIso('2024-01-15 08:00:00', 'America/New_York')).toBe('2024-01-15T13:00:00.000Z');
		expect(localTimeToUtcIso('2024-07-15 08:00:00', 'America/New_York')).toBe('2024-07-15T12:00:00.000Z');
		// The day Europe switches to summer time (02:00 -> 03:00 local).
		expect(localTimeToUtcIso('2024-03-31 01:30:00', 'Europe/Berlin')).toBe('2024-03-31T00:30:00.000Z');
		expect(localTimeToUtcIso('2024-03-31 12:00:00', 'Europe/Berlin')).toBe('2024-03-31T10:00:00.000Z');
	});

	it('accepts short forms: no seconds, single-digit parts, a T separator, milliseconds', () => {
		expect(localTimeToUtcIso('2024-03-09 10:47')).toBe('2024-03-09T02:47:00.000Z');
		expect(localTimeToUtcIso('2024-3-9 8:05:01')).toBe('2024-03-09T00:05:01.000Z');
		expect(localTimeToUtcIso('2024-03-09T10:47:53')).toBe('2024-03-09T02:47:53.000Z');
		expect(localTimeToUtcIso('2024-03-09 10:47:53.5')).toBe('2024-03-09T02:47:53.500Z');
	});

	it('trusts an explicit zone in the text', () => {
		expect(localTimeToUtcIso('2024-03-09T10:47:53+08:00', 'America/New_York')).toBe('2024-03-09T02:47:53.000Z');
		expect(localTimeToUtcIso('2024-03-09T02:47:53Z')).toBe('2024-03-09T02:47:53.000Z');
	});

	it('gives an empty string for empty or unparsable text', () => {
		expect(localTimeToUtcIso('')).toBe('');
		expect(localTimeToUtcIso('   ')).toBe('');
		expect(localTimeToUtcIso('yesterday')).toBe('');
		expect(localTimeToUtcIso('09/03/2024 10:47')).toBe('');
	});
});

describe('assertTimeZone', () => {
	it('accepts IANA names and fixed offsets, throws RangeError otherwise', () => {
		expect(() => assertTimeZone('Asia/Shanghai')).not.toThrow();
		expect(() => assertTimeZone('+08:00')).not.toThrow();
		expect(() => assertTimeZone('-0330')).not.toThrow();
		expect(() => assertTimeZone('Mars/Olympus_Mons')).toThrow(RangeError);
	});
});
