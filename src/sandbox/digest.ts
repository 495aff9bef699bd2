import { createHash } from 'node:crypto';

/**
 * Upper-case hex MD5 of raw bytes. Deliberately independent of src/core/signing.ts:
 * a bug in the project's signing must not be able to pass on both sides.
 */
export function sandboxMd5(...parts: Array<string | Buffer>): string {
	const hash = createHash('md5');
	for (const part of parts) hash.update(typeof part === 'string' ? Buffer.from(part, 'utf8') : part);
	return hash.digest('hex').toUpperCase();
}
