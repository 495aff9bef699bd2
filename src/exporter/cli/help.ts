import { Option, type Command } from 'commander';
import { EXIT_CODE_HELP } from '../exit-codes';
import { SETTINGS } from '../intake/settings';

export const EXIT_CODES_HELP = `
Exit codes:
${EXIT_CODE_HELP.map(([code, meaning]) => `  ${code.padEnd(4)} ${meaning}`).join('\n')}`;

export function environmentHelp(command: 'run' | 'schedule'): string {
	const rows = SETTINGS.filter((s) => s.env && (s.secret || !s.flag || (s.commands ?? ['run', 'schedule']).includes(command)));
	const secrets = rows.filter((s) => s.secret).map((s) => `  ${s.env!.padEnd(40)} ${s.description}`);
	const others = rows.filter((s) => !s.secret && !s.flag).map((s) => `  ${s.env!.padEnd(40)} ${s.description} (default "${s.default}")`);
	const mirrored = rows.filter((s) => !s.secret && s.flag).map((s) => `  ${s.env!.padEnd(40)} --${s.flag}`);
	return `
Settings come from flags, then environment variables, then the config file
(--config, or TRACKING_EXPORT_CONFIG; JSON with the same names as below, e.g.
{"output": "s3://bucket/prefix", "kuaidi100": {"customer": "...", "key": "..."}}),
then defaults. Secrets have no flag (process lists show flags): set them in the
environment or the config file.

Secrets (environment or config file only):
${secrets.join('\n')}
  S3 credentials: the AWS credential chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY,
  AWS_PROFILE, instance or pod roles), or s3.accessKeyId / s3.secretAccessKey in the file.

Other settings without a flag:
${others.join('\n')}

Environment variables of the flags:
${mirrored.join('\n')}
${EXIT_CODES_HELP}`;
}

export function addSettingOptions(command: Command, which: 'run' | 'schedule'): void {
	for (const spec of SETTINGS) {
		if (spec.secret || !spec.flag) continue;
		if (!(spec.commands ?? ['run', 'schedule']).includes(which)) continue;
		const env = spec.env ? ` [env ${spec.env}]` : '';
		const shownDefault = spec.default === '' ? '' : ` (default: ${JSON.stringify(spec.default)})`;
		if (spec.kind === 'bool') {
			command.addOption(new Option(`--${spec.flag}`, `${spec.description}${shownDefault}${env}`));
			command.addOption(new Option(`--no-${spec.flag}`, `turn --${spec.flag} off`).hideHelp());
			continue;
		}
		const option = new Option(`--${spec.flag} ${spec.arg ?? '<value>'}`, `${spec.description}${shownDefault}${env}`);
		if (spec.choices) option.choices(spec.choices.filter((c) => c !== ''));
		command.addOption(option);
	}
}

/** Flag values by setting path, from commander's camelCased option names. */
export function flagsOf(options: Record<string, unknown>): Record<string, unknown> {
	const flags: Record<string, unknown> = {};
	for (const spec of SETTINGS) {
		if (!spec.flag) continue;
		const name = spec.flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
		if (options[name] !== undefined) flags[spec.path] = options[name];
	}
	return flags;
}
