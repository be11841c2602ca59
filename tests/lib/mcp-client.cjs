// SPDX-License-Identifier: GPL-2.0
//
// Drive boottest-mcp with the official MCP TypeScript SDK client, for
// tests/*-mcp.t.  Prints one JSON document of what the server answered;
// the test makes the assertions.
//
//   node mcp-client.cjs NPMDIR RESULT.json SERVER ARGS...
//
// Environment: MCP_KERNEL (the kernel image to boot), MCP_LOG (a console
// log for classify_log), MCP_CONFIG (its .config for config_check), MCP_OUT
// (the O= of the boots: no QEMU of it may be left after a cancellation),
// MCP_TIMEOUT (seconds a boot may take), MCP_FSTESTS (the fstests fixture),
// MCP_FSTESTS_SLOW (a copy with fixture/011 sleeping: cancelled while it
// runs), MCP_ARM64 (1: boot Debian's arm64 kernel with arch arm64);
// MCP_BISECT_GOOD and MCP_BISECT_BAD: a bisect session only.
'use strict';

const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { createRequire } = require('module');

const [npmdir, out, command, ...args] = process.argv.slice(2);
const sdk = createRequire(path.join(npmdir, 'package.json'));
const { Client } = sdk('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = sdk('@modelcontextprotocol/sdk/client/stdio.js');

const timeout = Number(process.env.MCP_TIMEOUT || 900);
const long = { timeout: (timeout + 600) * 1000 };
const res = {};

function save() {
	fs.writeFileSync(out, JSON.stringify(res, null, 2) + '\n');
}

function qemuLeft() {
	try {
		// No shell: its own command line would match the pattern.
		return execFileSync('pgrep', ['-f', `^qemu-system.*${process.env.MCP_OUT}/`])
			.toString().trim();
	} catch (e) {
		return '';
	}
}

function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

// A call that must fail: its JSON-RPC error code and message.
async function failing(p) {
	try {
		const r = await p;
		return { resolved: r };
	} catch (e) {
		return { code: e.code, message: e.message };
	}
}

// MCP_BISECT_GOOD, MCP_BISECT_BAD: a bisection of the server's tree, with
// progress, then nothing else.
async function bisect(client) {
	res.bisect_progress = [];
	res.bisect = await client.callTool({ name: 'bisect', arguments: {
		good: process.env.MCP_BISECT_GOOD, bad: process.env.MCP_BISECT_BAD,
		timeout: 600 } }, undefined, { ...long,
		onprogress: (p) => res.bisect_progress.push(p) });
	res.qemu_after = qemuLeft();
	save();
	await client.close();
	res.done = true;
	save();
}

async function main() {
	const client = new Client({ name: 'boottest-test', version: '1' });
	const transport = new StdioClientTransport({
		command, args, env: process.env, stderr: 'inherit',
	});

	await client.connect(transport);
	res.server = client.getServerVersion();
	res.capabilities = client.getServerCapabilities();
	res.tools = (await client.listTools()).tools;
	save();
	if (process.env.MCP_BISECT_GOOD) {
		await bisect(client);
		return;
	}

	res.classify = await client.callTool({ name: 'classify_log',
		arguments: { path: process.env.MCP_LOG } });
	res.classify_text = await client.callTool({ name: 'classify_log',
		arguments: { text: fs.readFileSync(process.env.MCP_LOG, 'utf8') } });
	res.profiles = await client.callTool({ name: 'list_profiles', arguments: {} });
	res.kernel_info = await client.callTool({ name: 'kernel_info',
		arguments: { path: process.env.MCP_KERNEL } });
	res.unknown_tool = await failing(client.callTool({ name: 'no_such_tool', arguments: {} }));
	res.bad_args = await failing(client.callTool({ name: 'boot_test',
		arguments: { timeout: 'soon' } }));
	res.config_check = await client.callTool({ name: 'config_check',
		arguments: { profile: 'crash', config: process.env.MCP_CONFIG } });
	res.config_check_default = await client.callTool({ name: 'config_check',
		arguments: {} });
	// PROFILE= reaches make boottest: an unknown profile stops it before
	// any boot.
	res.bad_profile = await client.callTool({ name: 'boot_test', arguments: {
		kernel: process.env.MCP_KERNEL, profile: 'no-such-profile' } },
		undefined, long);
	res.extra_arg = await failing(client.callTool({ name: 'boot_test',
		arguments: { kernel: process.env.MCP_KERNEL, colour: 'blue' } }));
	save();

	// A clean boot, with progress notifications.
	res.progress = [];
	res.clean = await client.callTool({ name: 'boot_test', arguments: {
		kernel: process.env.MCP_KERNEL, timeout, mem: '512M', cpus: 1,
		cmd: 'uname -r' } }, undefined, { ...long,
		onprogress: (p) => res.progress.push(p) });
	// The latest run (the clean boot) as resources.
	res.resources = (await client.listResources()).resources;
	res.resource_result = await client.readResource({
		uri: 'boottest://runs/latest/result.json' });
	res.resource_report = await client.readResource({
		uri: 'boottest://runs/latest/report.html' });
	res.resource_outside = await failing(client.readResource({
		uri: 'boottest://runs/../result.json' }));
	save();

	// A panic.
	res.panic = await client.callTool({ name: 'boot_test', arguments: {
		kernel: process.env.MCP_KERNEL, timeout,
		cmd: 'echo c > /proc/sysrq-trigger' } }, undefined, long);
	save();

	// A boot cancelled while it runs (its CMD would keep it running until
	// the timeout); a second one is refused meanwhile.
	const ac = new AbortController();
	const running = failing(client.callTool({ name: 'boot_test', arguments: {
		kernel: process.env.MCP_KERNEL, timeout, cmd: `sleep ${timeout}` } }, undefined,
		{ ...long, signal: ac.signal }));
	res.second = await client.callTool({ name: 'boot_test', arguments: {
		kernel: process.env.MCP_KERNEL, timeout } });
	// Wait for its QEMU (a few minutes at most), then cancel.
	for (let i = 0; i < 600 && !qemuLeft(); i++)
		await sleep(1000);
	res.qemu_before_cancel = qemuLeft() !== '';
	await sleep(5000);
	ac.abort('test cancels the boot');
	res.cancelled = await running;
	// The server stops the boot before it reads the next message.
	res.ping_after_cancel = await client.ping();
	res.qemu_after_cancel = qemuLeft();
	res.classify_after_cancel = await client.callTool({ name: 'classify_log',
		arguments: { path: process.env.MCP_LOG } });
	save();

	// fstests on the fixture: a pass, a failure with its diff, a test
	// not run; progress per test done.
	if (process.env.MCP_FSTESTS) {
		res.fstests_progress = [];
		res.fstests = await client.callTool({ name: 'fstests_run', arguments: {
			fstests: process.env.MCP_FSTESTS, fstyp: 'ext4', config: '4k',
			tests: 'fixture/001 fixture/003 fixture/004', timeout: 1800 } },
		undefined, { ...long, onprogress: (p) => res.fstests_progress.push(p) });
		save();
		// Cancelled in fixture/011 (it sleeps), once fixture/001 is done.
		const fac = new AbortController();
		res.fstests_cancel_progress = [];
		const frun = failing(client.callTool({ name: 'fstests_run', arguments: {
			fstests: process.env.MCP_FSTESTS_SLOW, config: '4k',
			tests: 'fixture/001 fixture/011', timeout: 1800 } }, undefined,
		{ ...long, signal: fac.signal, onprogress: (p) => {
			res.fstests_cancel_progress.push(p);
			if (p.progress >= 1)
				setTimeout(() => fac.abort('test cancels fstests'), 8000);
		} }));
		res.fstests_second = await client.callTool({ name: 'boot_test',
			arguments: { kernel: process.env.MCP_KERNEL } });
		res.fstests_cancelled = await frun;
		// The server stops the run before it reads the next message.
		res.ping_after_fstests_cancel = await client.ping();
		res.fstests_qemu_after_cancel = qemuLeft();
		save();
	}

	if (process.env.MCP_ARM64 === '1') {
		res.arm64 = await client.callTool({ name: 'boot_test', arguments: {
			arch: 'arm64', cmd: 'uname -m', timeout } }, undefined, long);
		save();
	}
	res.bad_arch = await failing(client.callTool({ name: 'boot_test',
		arguments: { arch: 'riscv64' } }));
	// The boottest checkout is not a kernel tree: refused before bisecting.
	res.bisect_refused = await client.callTool({ name: 'bisect', arguments: {
		good: 'HEAD~1', bad: 'HEAD' } }, undefined, long);
	res.bisect_no_bad = await failing(client.callTool({ name: 'bisect',
		arguments: { good: 'HEAD~1' } }));

	// Every run's files, newest first; an old run's read by its id.
	res.resources_all = (await client.listResources()).resources;
	const cleanId = path.basename(res.clean.structuredContent.run_dir);
	res.old_result = await client.readResource({
		uri: `boottest://runs/${cleanId}/result.json` });
	res.old_escape = await failing(client.readResource({
		uri: `boottest://runs/${cleanId}/../../../.config` }));
	res.old_dotdot = await failing(client.readResource({
		uri: 'boottest://runs/../runs/result.json' }));
	save();
	await client.close();
	res.done = true;
	save();
}

main().catch((e) => {
	res.exception = String(e && e.stack || e);
	save();
	process.exit(1);
});
