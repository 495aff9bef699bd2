import * as path from 'node:path';
import { ConfigError } from '../exit-codes';

/**
 * The one parser of the places the exporter reads and writes: the shipment
 * list, the state (local path or s3://bucket/key) and the output (s3://bucket/prefix).
 */
export interface S3Location {
	kind: 's3';
	bucket: string;
	key: string;
}
export interface FileLocation {
	kind: 'file';
	path: string;
}
export type Location = S3Location | FileLocation;

/** `s3://bucket/key` or a local path (relative paths against `cwd`). */
export function parseLocation(text: string, cwd = process.cwd()): Location {
	const value = text.trim();
	if (/^s3:\/\//i.test(value)) {
		const rest = value.slice(5);
		const slash = rest.indexOf('/');
		const bucket = slash === -1 ? rest : rest.slice(0, slash);
		const key = slash === -1 ? '' : rest.slice(slash + 1);
		if (!bucket) throw new ConfigError(`"${value}" names no bucket: expected s3://bucket/key`);
		return { kind: 's3', bucket, key };
	}
	if (/^file:\/\//i.test(value)) return { kind: 'file', path: new URL(value).pathname };
	if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
		throw new ConfigError(`"${value}": only local paths and s3:// URLs are supported`);
	}
	return { kind: 'file', path: path.resolve(cwd, value) };
}

/** The output: an s3://bucket/prefix URL; the prefix without leading or trailing slashes. */
export function parseOutputLocation(text: string): { bucket: string; prefix: string } {
	const location = /^s3:\/\//i.test(text.trim()) ? parseLocation(text) : undefined;
	if (location?.kind !== 's3') throw new ConfigError(`--output must be an s3://bucket/prefix URL, got "${text}"`);
	return { bucket: location.bucket, prefix: location.key.replace(/^\/+|\/+$/g, '') };
}

export function formatLocation(location: Location): string {
	return location.kind === 's3' ? s3Url(location.bucket, location.key) : location.path;
}

export function s3Url(bucket: string, key: string): string {
	return `s3://${bucket}/${key}`;
}
