import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCUMENTS, REPO_URL, ROOT, anchors, filesUnder, links, read } from './markdown';

/** Where a link points inside the repository, or undefined for a link outside it (http, mailto). */
function target(document: string, link: string): { file: string; anchor?: string } | undefined {
	const [location, anchor] = link.split('#');
	if (location.startsWith(`${REPO_URL}/blob/main/`)) return { file: path.join(ROOT, location.slice(`${REPO_URL}/blob/main/`.length)), anchor };
	// The repository's home page shows its README; #readme is GitHub's own anchor for it.
	if (location === REPO_URL) return { file: path.join(ROOT, 'README.md'), anchor: anchor === 'readme' ? undefined : anchor };
	if (/^[a-z]+:/i.test(location)) return undefined;
	const file = location === '' ? path.join(ROOT, document) : path.resolve(path.dirname(path.join(ROOT, document)), location);
	return { file, anchor };
}

function brokenLinks(document: string): string[] {
	const broken: string[] = [];
	for (const link of links(read(document))) {
		const resolved = target(document, link);
		if (!resolved) continue;
		const { file, anchor } = resolved;
		if (!file.startsWith(ROOT + path.sep) || !existsSync(file)) broken.push(link);
		else if (anchor && file.endsWith('.md') && !anchors(readFileSync(file, 'utf8')).has(anchor)) broken.push(link);
	}
	return broken;
}

describe('documentation links', () => {
	for (const document of DOCUMENTS) {
		it(`every link into the repository and every anchor in ${document} resolves`, () => {
			expect(brokenLinks(document)).toEqual([]);
		});
	}

	it('every documentationUrl of a node or credential that points into this repository opens an existing README section', () => {
		const urls = [...filesUnder(path.join(ROOT, 'nodes')), ...filesUnder(path.join(ROOT, 'credentials'))].filter((file) => file.endsWith('.ts')).flatMap((file) =>
			[...readFileSync(file, 'utf8').matchAll(/documentationUrl\s*[:=]\s*'([^']+)'/g)].map((match) => match[1]),
		);
		const ours = urls.filter((url) => url.startsWith(REPO_URL));
		expect(ours.length).toBeGreaterThan(0);
		const broken = ours.filter((url) => {
			const resolved = target('README.md', url);
			return !resolved?.anchor || !anchors(readFileSync(resolved.file, 'utf8')).has(resolved.anchor);
		});
		expect(broken).toEqual([]);
	});

	it('nothing in the repository points to the workplace folders outside it', () => {
		for (const document of DOCUMENTS) expect(read(document)).not.toMatch(/shared\/(spec|seeds)/);
	});
});
