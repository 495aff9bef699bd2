import { createHash, timingSafeEqual } from 'node:crypto';

/** Upper-case hex MD5 of a UTF-8 string: the digest both services sign with. */
export function md5UpperHex(text: string): string {
	return createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();
}

/** Kuaidi100 request sign: MD5(param + key + customer) over the exact `param` text sent. */
export function kuaidi100RequestSign(param: string, key: string, customer: string): string {
	return md5UpperHex(param + key + customer);
}

/**
 * Kuaidi100's other request sign, MD5(param + t + key + secret): the endpoints on
 * api.kuaidi100.com and order.kuaidi100.com (time and price estimates, address
 * resolution, e-waybills, pickups) that take `key` and a millisecond timestamp `t`.
 */
export function kuaidi100KeySecretSign(param: string, t: string, key: string, secret: string): string {
	return md5UpperHex(param + t + key + secret);
}

/** Kuaidi100 push sign: MD5(param + salt) over the raw `param` text received. */
export function kuaidi100PushSign(param: string, salt: string): string {
	return md5UpperHex(param + salt);
}

/** KeyDelivery signature: MD5(body + apiKey + secret) over the exact JSON bytes sent. */
export function keyDeliverySignature(body: string, apiKey: string, secret: string): string {
	return md5UpperHex(body + apiKey + secret);
}

/**
 * Constant-time string comparison. Both sides are hashed first so the comparison
 * takes the same time whatever the lengths, and timingSafeEqual never throws.
 */
export function constantTimeEqual(actual: string, expected: string): boolean {
	const a = createHash('sha256').update(actual, 'utf8').digest();
	const b = createHash('sha256').update(expected, 'utf8').digest();
	return timingSafeEqual(a, b);
}

/** Verifies a Kuaidi100 push sign (case-insensitive hex) in constant time. */
export function verifyKuaidi100PushSign(param: string, sign: string | undefined, salt: string): boolean {
	if (!sign) return false;
	return constantTimeEqual(sign.trim().toUpperCase(), kuaidi100PushSign(param, salt));
}
