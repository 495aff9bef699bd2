import * as net from 'node:net';

export interface ReceivedMail {
	from: string;
	to: string[];
	/** The raw message as sent after DATA (headers and body), dot-unstuffed. */
	raw: string;
	/** A header value (first occurrence, unfolded, encoded words decoded when UTF-8 base64/Q). */
	header(name: string): string | undefined;
	/** The raw message with quoted-printable soft line breaks removed, for substring checks. */
	text: string;
}

export interface SmtpSink {
	host: string;
	port: number;
	messages: ReceivedMail[];
	/** Every SMTP command line received, for diagnostics. */
	transcript: string[];
	waitForMessages(count: number, timeoutMs: number): Promise<ReceivedMail[]>;
	close(): Promise<void>;
}

/**
 * A tiny SMTP server on 127.0.0.1 that accepts every message: enough of RFC 5321 for
 * nodemailer (greeting, EHLO/HELO, optional AUTH PLAIN/LOGIN, MAIL FROM, RCPT TO,
 * DATA, RSET, NOOP, QUIT). Pipelined commands work since input is handled by line.
 */
/** An n8n SMTP credential (import format) that sends to this sink: no TLS, no login. */
export function smtpCredential(sink: SmtpSink, id: string): { id: string; name: string; type: 'smtp'; data: Record<string, unknown> } {
	return { id, name: 'SMTP sink', type: 'smtp', data: { user: '', password: '', host: sink.host, port: sink.port, secure: false, disableStartTls: true } };
}

export async function startSmtpSink(): Promise<SmtpSink> {
	const messages: ReceivedMail[] = [];
	const transcript: string[] = [];
	const sockets = new Set<net.Socket>();
	const waiters: Array<() => void> = [];

	const server = net.createServer((socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => undefined);
		socket.setEncoding('utf8');
		const reply = (line: string) => {
			if (!socket.destroyed) socket.write(`${line}\r\n`);
		};
		let buffer = '';
		let mode: 'command' | 'data' | 'auth-login-user' | 'auth-login-pass' = 'command';
		let from = '';
		let to: string[] = [];
		let dataLines: string[] = [];

		const onLine = (line: string) => {
			if (mode === 'data') {
				if (line === '.') {
					const raw = dataLines.join('\r\n');
					messages.push(makeMail(from, to, raw));
					from = '';
					to = [];
					dataLines = [];
					mode = 'command';
					reply('250 2.0.0 Ok: queued');
					for (const wake of waiters.splice(0)) wake();
				} else {
					dataLines.push(line.startsWith('..') ? line.slice(1) : line);
				}
				return;
			}
			if (mode === 'auth-login-user') {
				mode = 'auth-login-pass';
				reply('334 UGFzc3dvcmQ6');
				return;
			}
			if (mode === 'auth-login-pass') {
				mode = 'command';
				reply('235 2.7.0 Authentication successful');
				return;
			}
			transcript.push(line);
			const verb = line.split(' ')[0].toUpperCase();
			switch (verb) {
				case 'EHLO':
					reply('250-127.0.0.1 Hello');
					reply('250-PIPELINING');
					reply('250-8BITMIME');
					reply('250-SMTPUTF8');
					reply('250-AUTH PLAIN LOGIN');
					reply('250 SIZE 10485760');
					break;
				case 'HELO':
					reply('250 127.0.0.1');
					break;
				case 'AUTH': {
					const [, mechanism, initial] = line.split(' ');
					if (mechanism?.toUpperCase() === 'LOGIN') {
						mode = initial ? 'auth-login-pass' : 'auth-login-user';
						reply(initial ? '334 UGFzc3dvcmQ6' : '334 VXNlcm5hbWU6');
					} else {
						reply('235 2.7.0 Authentication successful');
					}
					break;
				}
				case 'MAIL':
					from = angle(line);
					to = [];
					reply('250 2.1.0 Ok');
					break;
				case 'RCPT':
					to.push(angle(line));
					reply('250 2.1.5 Ok');
					break;
				case 'DATA':
					if (to.length === 0) {
						reply('554 5.5.1 No valid recipients');
					} else {
						mode = 'data';
						dataLines = [];
						reply('354 End data with <CR><LF>.<CR><LF>');
					}
					break;
				case 'RSET':
					from = '';
					to = [];
					reply('250 2.0.0 Ok');
					break;
				case 'NOOP':
					reply('250 2.0.0 Ok');
					break;
				case 'QUIT':
					reply('221 2.0.0 Bye');
					socket.end();
					break;
				default:
					reply('502 5.5.2 Command not recognized');
			}
		};

		socket.on('data', (chunk: string) => {
			buffer += chunk;
			let index: number;
			while ((index = buffer.indexOf('\n')) >= 0) {
				const line = buffer.slice(0, index).replace(/\r$/, '');
				buffer = buffer.slice(index + 1);
				onLine(line);
			}
		});
		reply('220 127.0.0.1 ESMTP e2e sink');
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const port = (server.address() as net.AddressInfo).port;

	return {
		host: '127.0.0.1',
		port,
		messages,
		transcript,
		async waitForMessages(count, timeoutMs) {
			const deadline = Date.now() + timeoutMs;
			while (messages.length < count) {
				const left = deadline - Date.now();
				if (left <= 0) {
					throw new Error(`SMTP sink: expected ${count} message(s), got ${messages.length} after ${timeoutMs} ms`);
				}
				await new Promise<void>((resolve) => {
					const timer = setTimeout(resolve, left);
					waiters.push(() => {
						clearTimeout(timer);
						resolve();
					});
				});
			}
			return messages.slice(0, count);
		},
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

function angle(line: string): string {
	const match = /<([^>]*)>/.exec(line);
	return match ? match[1] : (line.split(':')[1] ?? '').trim();
}

function makeMail(from: string, to: string[], raw: string): ReceivedMail {
	const headerEnd = raw.indexOf('\r\n\r\n');
	const headerBlock = (headerEnd >= 0 ? raw.slice(0, headerEnd) : raw).replace(/\r\n[ \t]+/g, ' ');
	const headers = new Map<string, string>();
	for (const line of headerBlock.split('\r\n')) {
		const colon = line.indexOf(':');
		if (colon <= 0) continue;
		const name = line.slice(0, colon).trim().toLowerCase();
		if (!headers.has(name)) headers.set(name, decodeEncodedWords(line.slice(colon + 1).trim()));
	}
	return {
		from,
		to,
		raw,
		header: (name) => headers.get(name.toLowerCase()),
		text: raw.replace(/=\r\n/g, ''),
	};
}

function decodeEncodedWords(value: string): string {
	return value
		.replace(/\?=\s+=\?/g, '?==?')
		.replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_all, encoding: string, text: string) =>
			encoding.toLowerCase() === 'b'
				? Buffer.from(text, 'base64').toString('utf8')
				: Buffer.from(
						text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
						'latin1',
					).toString('utf8'),
		);
}
