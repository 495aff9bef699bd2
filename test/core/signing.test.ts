import { describe, expect, it } from 'vitest';
import {
	constantTimeEqual,
	keyDeliverySignature,
	kuaidi100PushSign,
	kuaidi100RequestSign,
	md5UpperHex,
	verifyKuaidi100PushSign,
} from '../../src/core/signing';

// Expected digests computed outside this project (python3 hashlib / md5sum) and hard-coded.
const QUERY_PARAM = '{"com":"yuantong","num":"YT7450353838751","resultv2":"4","show":"0"}';
const QUERY_PARAM_ZH = '{"com":"shunfeng","num":"SF1403829177352","phone":"8000","from":"广东深圳","to":"北京朝阳"}';
const DOC_PARAM = '{"com":"yuantong","num":"YT7450353838751","phone":"1011","resultv2":"4","show":"0","order":"desc","lang":"en"}';
const PUSH_PARAM = '{"status":"polling","message":""}';
const KD_BODY = '{"carrier_id":"usps","tracking_number":"LY811679807CN"}';
const KD_BODY_PRETTY = '{\n  "carrier_id": "usps",\n  "tracking_number": "LY811679807CN"\n}';

describe('md5UpperHex', () => {
	it('matches fixed vectors, upper-case, 32 hex digits', () => {
		expect(md5UpperHex('')).toBe('D41D8CD98F00B204E9800998ECF8427E');
		expect(md5UpperHex(`${PUSH_PARAM}sandbox-salt`)).toBe('D0111A0CAB57B758CE4A9701FD3C1DB5');
	});
});

describe('kuaidi100RequestSign = MD5(param + key + customer)', () => {
	it('matches fixed vectors', () => {
		expect(kuaidi100RequestSign(QUERY_PARAM, 'sandbox-key', 'SANDBOXCUSTOMER')).toBe('0CDBA14C3D44D48DE7702FE7C87A781D');
		expect(kuaidi100RequestSign(DOC_PARAM, 'KEY', 'CUSTOMER')).toBe('30B0009B91D90CC69213B09775669812');
	});

	it('hashes non-ASCII param text as UTF-8', () => {
		expect(kuaidi100RequestSign(QUERY_PARAM_ZH, 'sandbox-key', 'SANDBOXCUSTOMER')).toBe('C7B4D95986A73EA65E11254481A7BC4E');
	});

	it('depends on the order of the parts', () => {
		expect(kuaidi100RequestSign(QUERY_PARAM, 'SANDBOXCUSTOMER', 'sandbox-key')).not.toBe('0CDBA14C3D44D48DE7702FE7C87A781D');
	});
});

describe('kuaidi100PushSign = MD5(param + salt)', () => {
	it('matches a fixed vector', () => {
		expect(kuaidi100PushSign(PUSH_PARAM, 'sandbox-salt')).toBe('D0111A0CAB57B758CE4A9701FD3C1DB5');
	});
});

describe('keyDeliverySignature = MD5(body + apiKey + secret)', () => {
	it('matches fixed vectors over the exact body text', () => {
		expect(keyDeliverySignature(KD_BODY, 'sandbox-api-key', 'sandbox-secret')).toBe('D3A873F718AE18601CA8B28D77846B27');
		expect(keyDeliverySignature(KD_BODY_PRETTY, 'sandbox-api-key', 'sandbox-secret')).toBe('CC99E019686D13BDD7A9A336C96A0814');
	});
});

describe('constantTimeEqual', () => {
	it('is true only for identical strings, whatever the lengths', () => {
		expect(constantTimeEqual('abc', 'abc')).toBe(true);
		expect(constantTimeEqual('abc', 'abd')).toBe(false);
		expect(constantTimeEqual('abc', 'abcd')).toBe(false);
		expect(constantTimeEqual('', '')).toBe(true);
		expect(constantTimeEqual('', 'x')).toBe(false);
		expect(constantTimeEqual('令牌', '令牌')).toBe(true);
	});
});

describe('verifyKuaidi100PushSign', () => {
	const good = 'D0111A0CAB57B758CE4A9701FD3C1DB5';

	it('accepts the right sign (case-insensitive, surrounding blanks ignored)', () => {
		expect(verifyKuaidi100PushSign(PUSH_PARAM, good, 'sandbox-salt')).toBe(true);
		expect(verifyKuaidi100PushSign(PUSH_PARAM, good.toLowerCase(), 'sandbox-salt')).toBe(true);
		expect(verifyKuaidi100PushSign(PUSH_PARAM, ` ${good}\n`, 'sandbox-salt')).toBe(true);
	});

	it('rejects a wrong sign, a wrong salt, a changed param', () => {
		expect(verifyKuaidi100PushSign(PUSH_PARAM, 'D0111A0CAB57B758CE4A9701FD3C1DB6', 'sandbox-salt')).toBe(false);
		expect(verifyKuaidi100PushSign(PUSH_PARAM, good, 'other-salt')).toBe(false);
		expect(verifyKuaidi100PushSign(`${PUSH_PARAM} `, good, 'sandbox-salt')).toBe(false);
	});

	it('rejects a missing or empty sign', () => {
		expect(verifyKuaidi100PushSign(PUSH_PARAM, undefined, 'sandbox-salt')).toBe(false);
		expect(verifyKuaidi100PushSign(PUSH_PARAM, '', 'sandbox-salt')).toBe(false);
	});
});
