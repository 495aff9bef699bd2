import { chmod, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRunConfig, resolveConfig } from '../../src/exporter/intake/resolve-settings';
import { ConfigError } from '../../src/exporter/exit-codes';
import { parseOutputLocation } from '../../src/exporter/storage/location';
import { csvHeader, encodeRows, eventRow } from '../../src/exporter/emit/csv';
import { manifestJson } from '../../src/exporter/emit/manifest';
import { runIdOf, runLayout } from '../../src/exporter/emit/object-layout';
import { runPool } from '../../src/core/pool';
import { RateLimiter } from '../../src/exporter/fetch/rate-limiter';
import { redactor } from '../../src/exporter/report/redact';
import { arrayElementLines, unclosedQuoteLine } from '../../src/exporter/intake/list-formats';
import { decodeList, parseShipmentList } from '../../src/exporter/intake/shipment-list';
import { ExportState, packPrefixes } from '../../src/exporter/state/export-state';
import { journalLocation } from '../../src/exporter/state/journal';
import { parseLocation } from '../../src/exporter/storage/storage';
import { TRACKING_EVENT_COLUMNS, type TrackingEvent } from '../../src/normalize/event';
import { minimalCsv } from './contract';
import { tempDir } from './helpers';

let dir: string;
beforeAll(async () => {
	dir = await tempDir('exporter-units-');
});
afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

describe('configuration precedence: flag > environment > file > default', () => {
	it('takes each setting from the strongest source and reports where it came from', async () => {
		const file = path.join(dir, 'config.json');
		await writeFile(
			file,
			JSON.stringify({
				output: 's3://from-file/prefix',
				concurrency: 3,
				rps: 2,
				gzip: true,
				kuaidi100: { customer: 'FILECUSTOMER', key: 'file-key' },
				schedule: { cron: '0 3 * * *' },
			}),
		);
		await chmod(file, 0o600);
		const { config, sources, secrets, warnings } = await resolveConfig({
			configFile: file,
			env: { TRACKING_EXPORT_CONCURRENCY: '5', TRACKING_EXPORT_RPS: '4', KUAIDI100_KEY: 'env-key', TRACKING_EXPORT_GZIP: 'false' },
			flags: { concurrency: '7' },
		});
		expect(config.concurrency).toBe(7);
		expect(sources.concurrency).toBe('flag');
		expect(config.rps).toBe(4);
		expect(sources.rps).toBe('env');
		expect(config.gzip).toBe(false);
		expect(config.output).toBe('s3://from-file/prefix');
		expect(sources.output).toBe('file');
		expect(config.kuaidi100.customer).toBe('FILECUSTOMER');
		expect(config.kuaidi100.key).toBe('env-key');
		expect(config.schedule).toEqual({ cron: '0 3 * * *', timezone: 'UTC' });
		expect(config.state).toBe('.export-state.json');
		expect(sources.state).toBe('default');
		expect(secrets).toEqual(expect.arrayContaining(['FILECUSTOMER', 'env-key']));
		expect(warnings).toEqual([]);
	});

	it('refuses secrets as flags, unknown settings and bad values', async () => {
		await expect(resolveConfig({ env: {}, flags: { 'kuaidi100.key': 'x' } })).rejects.toThrow(/secret/);
		const file = path.join(dir, 'typo.json');
		await writeFile(file, JSON.stringify({ kuaidi100: { custmer: 'x' } }));
		await expect(resolveConfig({ env: {}, configFile: file })).rejects.toThrow(/unknown setting "kuaidi100.custmer"/);
		await expect(resolveConfig({ env: { TRACKING_EXPORT_CONCURRENCY: 'many' } })).rejects.toThrow(/TRACKING_EXPORT_CONCURRENCY.*whole number/);
		await expect(resolveConfig({ env: { TRACKING_EXPORT_TIMEZONE: 'Mars/Olympus' } })).rejects.toThrow(/Unknown time zone/);
	});

	it('warns when a config file with secrets is readable by others', async () => {
		const file = path.join(dir, 'open.json');
		await writeFile(file, JSON.stringify({ keydelivery: { apiKey: 'k', secret: 's' } }));
		await chmod(file, 0o644);
		const { warnings } = await resolveConfig({ env: {}, configFile: file });
		expect(warnings[0]).toMatch(/chmod 600/);
	});
});

describe('shipment lists', () => {
	it('reads CSV with aliases, quotes, BOM and blank lines; bad rows carry their line', () => {
		const text = '\ufeffProvider,COM,num,phone,Ship From,ship_to\r\n' +
			'kuaidi100,YuanTong,YT7450353838751,,"Jinan, Shandong",Tianjin\r\n' +
			'\r\n' +
			'keydelivery,usps,LY811679807CN,,,\r\n' +
			'kuaidi100,shunfeng,SF1403829177352,8000,,\r\n' +
			'keydelivery,usps,LY1,,,\r\n';
		const list = parseShipmentList(text, 'list.csv');
		expect(list.shipments.map((s) => [s.key, s.line])).toEqual([
			['kuaidi100:yuantong:YT7450353838751', 2],
			['keydelivery:usps:LY811679807CN', 4],
			['kuaidi100:shunfeng:SF1403829177352', 5],
		]);
		expect(list.shipments[0]).toMatchObject({ shipFrom: 'Jinan, Shandong', shipTo: 'Tianjin' });
		expect(list.shipments[2].phone).toBe('8000');
		expect(list.badRows).toEqual([{ line: 6, reason: 'The tracking number "LY1" has 3 characters; it must have 4 to 64. Check the tracking_number column.' }]);
	});

	it('refuses a CSV whose quote never closes, naming the line where it opened', () => {
		const rows = Array.from({ length: 9 }, (_, i) => `kuaidi100,yuantong,YT74503538387${String(i).padStart(2, '0')},`);
		rows.splice(1, 0, 'kuaidi100,"yuantong,YT7450353838799,');
		const text = `provider,carrier,tracking_number,phone\n${rows.join('\n')}\n`;
		expect(unclosedQuoteLine(text)).toBe(3);
		expect(() => parseShipmentList(text, 'list.csv')).toThrow(/list\.csv line 3: a quote \(\"\) opens a field that is never closed/);
		// Quotes that close, doubled quotes and a quote inside an unquoted field are no such problem.
		expect(unclosedQuoteLine('a,"b ""x""\nc",d\ne,f"g\n')).toBeUndefined();
	});

	it('refuses bytes that are not UTF-8, naming the line', () => {
		const gbk = Buffer.concat([Buffer.from('provider,carrier,tracking_number,ship_to\nkuaidi100,yuantong,YT7450353838751,'), Buffer.from([0xb1, 0xb1, 0xbe, 0xa9]), Buffer.from('\n')]);
		expect(() => decodeList(gbk, 'list.csv')).toThrow(/list\.csv is not UTF-8 text \(line 2 holds bytes that are not UTF-8\)/);
		expect(decodeList(Buffer.from('provider\n北京\n'), 'list.csv')).toBe('provider\n北京\n');
	});

	it('rejects a CSV without the required columns', () => {
		expect(() => parseShipmentList('carrier,number\nyuantong,YT7450353838751\n', 'x.csv')).toThrow(/lacks the column\(s\) provider/);
	});

	it('reads a JSON array, reporting bad items by line', () => {
		const text = `[
  {"provider": "kuaidi100", "carrier": "yuantong", "trackingNumber": "YT7450353838751"},
  {"provider": "keydelivery",
   "carrier": "ups", "tracking_number": "1Z999AA10123456784", "ship_to": "Berlin"},
  "not an object",
  {"provider": "kuaidi100", "carrier": "shunfeng", "tracking_number": "SF1403829177352"}
]`;
		expect(arrayElementLines(text)).toEqual([2, 3, 5, 6]);
		const list = parseShipmentList(text, 'list.json');
		expect(list.shipments.map((s) => s.line)).toEqual([2, 3]);
		expect(list.shipments[1].shipTo).toBe('Berlin');
		expect(list.badRows).toEqual([
			{ line: 5, reason: 'item 3 is not an object' },
			{ line: 6, reason: 'Carrier "shunfeng" (SF Express) requires the sender\'s or recipient\'s phone number, or its last 4 digits. Fill in the phone column.' },
		]);
	});

	it('reads JSON Lines', () => {
		const list = parseShipmentList(
			'{"provider":"keydelivery","carrier":"dhl","tracking_number":"9926933413"}\n{oops}\n\n{"provider":"kuaidi100","carrier":"yunda","tracking_number":"4312345678901"}\n',
			's3://bucket/list.jsonl',
		);
		expect(list.format).toBe('jsonl');
		expect(list.shipments.map((s) => s.line)).toEqual([1, 4]);
		expect(list.badRows[0].line).toBe(2);
	});
});

describe('CSV encoding', () => {
	it('quotes only where needed, LF ends, empty for missing, no BOM', () => {
		const event = Object.fromEntries(TRACKING_EVENT_COLUMNS.map((c) => [c, ''])) as unknown as TrackingEvent;
		const rows = [
			eventRow({ ...event, description: 'a, "quoted" word', location: 'plain', longitude: 117.2, latitude: null }),
			eventRow({ ...event, description: 'cr\rinside', status_text: '签收' }),
		];
		const text = csvHeader() + encodeRows(rows);
		expect(text.startsWith('event_id,provider,carrier,')).toBe(true);
		expect(text).toBe(
			minimalCsv([
				[...TRACKING_EVENT_COLUMNS],
				rows[0].map((v) => (v === null ? '' : String(v))),
				rows[1].map((v) => (v === null ? '' : String(v))),
			]),
		);
		expect(text).toContain(',"a, ""quoted"" word",plain,');
		expect(text).toContain(',117.2,,');
	});
});

describe('layout', () => {
	it('derives the run id and keys from the scheduled time', () => {
		expect(runIdOf(new Date('2024-03-09T02:00:00.000Z'))).toBe('20240309T020000Z');
		const layout = runLayout('s3://bucket/exports/tracking/', new Date('2024-03-09T02:00:00Z'), true);
		expect(layout.dataKey).toBe('exports/tracking/dt=2024-03-09/20240309T020000Z.csv.gz');
		expect(layout.manifestKey).toBe('exports/tracking/_manifests/dt=2024-03-09/20240309T020000Z.manifest');
		expect(runLayout('s3://bucket', new Date('2024-03-09T02:00:00Z'), false).dataKey).toBe('dt=2024-03-09/20240309T020000Z.csv');
		expect(JSON.parse(manifestJson([{ url: 's3://b/k.csv', bytes: 10, rows: 2 }]))).toEqual({
			entries: [{ url: 's3://b/k.csv', mandatory: true, meta: { content_length: 10, record_count: 2 } }],
			meta: { content_length: 10, record_count: 2 },
			author: { name: 'tracking-export', version: '1' },
		});
	});

	it('reads every S3 location with one parser: config check, output layout and storage agree', () => {
		expect(parseOutputLocation('S3://bucket//exports/tracking/')).toEqual({ bucket: 'bucket', prefix: 'exports/tracking' });
		expect(parseLocation('s3://bucket/state/export.json')).toEqual({ kind: 's3', bucket: 'bucket', key: 'state/export.json' });
		for (const bad of ['s3:///prefix', 'https://bucket.s3.amazonaws.com/x', '/local/folder']) {
			expect(() => runLayout(bad, new Date('2024-03-09T02:00:00Z'), false)).toThrow(ConfigError);
			expect(() => checkRunConfig({ shipments: 'x.csv', state: 'state.json', output: bad, kuaidi100: {}, keydelivery: {}, s3: {} } as never)).toThrow(ConfigError);
		}
		expect(() => parseLocation('s3:///key')).toThrow(/names no bucket/);
	});

	it('keeps the journal next to the state', () => {
		expect(journalLocation(parseLocation('s3://b/state/export.json'))).toEqual({ kind: 's3', bucket: 'b', key: 'state/export.journal.json' });
		expect(journalLocation(parseLocation('/var/lib/export-state'))).toEqual({ kind: 'file', path: '/var/lib/export-state.journal.json' });
	});

	it('round-trips the state with 16-hex id prefixes', () => {
		const state = new ExportState();
		ExportState.addExported(state.entry('kuaidi100:yuantong:YT1'), packPrefixes(['a'.repeat(16), 'b'.repeat(16)]));
		ExportState.addExported(state.entry('kuaidi100:yuantong:YT1'), packPrefixes(['c'.repeat(16)]));
		expect(JSON.parse(JSON.stringify(state)).shipments['kuaidi100:yuantong:YT1'].exported).toEqual(['a'.repeat(16), 'b'.repeat(16), 'c'.repeat(16)]);
		const copy = ExportState.fromJSON(JSON.parse(JSON.stringify(state)), 'test');
		expect([...ExportState.prefixSet(copy.shipments.get('kuaidi100:yuantong:YT1'))]).toEqual(['a'.repeat(16), 'b'.repeat(16), 'c'.repeat(16)]);
	});
});

describe('limits', () => {
	it('spaces requests 1000/rps ms apart whatever the concurrency (injected clock, no real waiting)', async () => {
		let now = 1000;
		const waits: number[] = [];
		const limiter = new RateLimiter(4, () => now, async (ms) => {
			waits.push(ms);
		});
		await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire(), limiter.acquire()]);
		expect(waits).toEqual([250, 500, 750]);
		now += 2000;
		waits.length = 0;
		await limiter.acquire();
		expect(waits).toEqual([]);
	});

	it('runs at most `concurrency` tasks at once and starts none after stop', async () => {
		let active = 0;
		let peak = 0;
		let stop = false;
		const seen: number[] = [];
		await runPool(
			Array.from({ length: 50 }, (_, i) => i),
			5,
			async (item) => {
				active++;
				peak = Math.max(peak, active);
				seen.push(item);
				await new Promise((resolve) => setImmediate(resolve));
				if (item === 20) stop = true;
				active--;
			},
			() => stop,
		);
		expect(peak).toBe(5);
		expect(seen.length).toBeLessThan(30);
	});

	it('redacts secrets and their URL-encoded form', () => {
		const redact = redactor(['s3cr/t+key', 'ab']);
		expect(redact('x s3cr/t+key y s3cr%2Ft%2Bkey ab')).toBe('x *** y *** ab');
	});
});
