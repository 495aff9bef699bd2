/** Replaces every secret (and its URL-encoded form) by "***". */
export function redactor(secrets: readonly string[]): (text: string) => string {
	const needles = [...new Set(secrets.filter((s) => s && s.length >= 3).flatMap((s) => [s, encodeURIComponent(s)]))].sort(
		(a, b) => b.length - a.length,
	);
	if (needles.length === 0) return (text) => text;
	return (text) => {
		let out = text;
		for (const needle of needles) if (out.includes(needle)) out = out.split(needle).join('***');
		return out;
	};
}
