import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventId, flattenLines, parseAreaCenter, text, TRACKING_EVENT_COLUMNS } from '../../src/normalize/event';

describe('text', () => {
	it('turns missing values into empty strings, never the text null', () => {
		expect(text(null)).toBe('');
		expect(text(undefined)).toBe('');
		expect(text('null')).toBe('');
		expect(text('NULL')).toBe('');
		expect(text(' null ')).toBe('');
		expect(text('')).toBe('');
		expect(text('   ')).toBe('');
	});

	it('keeps real values, numbers included', () => {
		expect(text('天津市,北辰区')).toBe('天津市,北辰区');
		expect(text(0)).toBe('0');
		expect(text(304)).toBe('304');
		expect(text('nullable')).toBe('nullable');
	});
});

describe('flattenLines', () => {
	it('replaces each line break by a single space', () => {
		expect(flattenLines('a\nb')).toBe('a b');
		expect(flattenLines('a\r\nb')).toBe('a b');
		expect(flattenLines('a\rb\nc')).toBe('a b c');
		expect(flattenLines('no break')).toBe('no break');
	});
});

describe('eventId', () => {
	it('is the SHA-256 of provider|carrier|tracking_number|event_time|status_code|description', () => {
		const fields = {
			provider: 'kuaidi100' as const,
			carrier: 'yuantong',
			tracking_number: 'YT7450353838751',
			event_time: '2024-03-09T02:47:53.000Z',
			status_code: '304',
			description: 'Signed',
		};
		const expected = createHash('sha256').update('kuaidi100|yuantong|YT7450353838751|2024-03-09T02:47:53.000Z|304|Signed').digest('hex');
		expect(eventId(fields)).toBe(expected);
		expect(eventId(fields)).toMatch(/^[0-9a-f]{64}$/);
		expect(eventId({ ...fields, status_code: '3' })).not.toBe(expected);
		expect(eventId({ ...fields, provider: 'keydelivery' })).not.toBe(expected);
	});

	it('matches a hard-coded vector with non-ASCII text', () => {
		// python3: hashlib.sha256('kuaidi100|yunda|4312345678901|2024-08-01T12:00:00.000Z|0|【杭州市】已发出 下一站【上海分拨中心】'.encode()).hexdigest()
		expect(
			eventId({
				provider: 'kuaidi100',
				carrier: 'yunda',
				tracking_number: '4312345678901',
				event_time: '2024-08-01T12:00:00.000Z',
				status_code: '0',
				description: '【杭州市】已发出 下一站【上海分拨中心】',
			}),
		).toBe('3bbbebb23913e57795ce8bb81ccdcd8cca47ae483dc07c8c78db165784b0ee45');
	});
});

describe('parseAreaCenter', () => {
	it('reads "lng,lat"', () => {
		expect(parseAreaCenter('117.139343,39.217817')).toEqual({ longitude: 117.139343, latitude: 39.217817 });
		expect(parseAreaCenter(' -73.9857 , 40.7484 ')).toEqual({ longitude: -73.9857, latitude: 40.7484 });
	});

	it.each([[null], [undefined], ['null'], [''], ['117.1'], ['a,b'], ['1,2,3'], [',39.2'], [42]])('gives nulls for %j', (value) => {
		expect(parseAreaCenter(value)).toEqual({ longitude: null, latitude: null });
	});
});

describe('TRACKING_EVENT_COLUMNS', () => {
	it('is the contract column list, in order', () => {
		expect(TRACKING_EVENT_COLUMNS).toEqual([
			'event_id', 'provider', 'carrier', 'tracking_number', 'event_time', 'event_time_local', 'status', 'status_code',
			'status_text', 'description', 'location', 'area_code', 'area_name', 'longitude', 'latitude', 'shipment_status',
			'source', 'fetched_at', 'export_run_id',
		]);
	});
});
