// drive-client.mjs in a child process, on Node.js's own WebSocket, against a hand-played
// server (mini-websocket-server.mjs): the client over a real WebSocket implementation,
// and the JSON-lines interface that Java tests read.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { startServer } from './mini-websocket-server.mjs';

const DRIVER = fileURLToPath(new URL('./drive-client.mjs', import.meta.url));
const TIMEOUT = 10_000;

/** drive-client.mjs as a child process: its events as they come, and its stdin. */
function drive(url, ...flags) {
	const nodeFlags = (typeof WebSocket === 'undefined') ? ['--experimental-websocket'] : [];
	const child = spawn(process.execPath, [...nodeFlags, '--no-warnings', DRIVER, url, ...flags],
		{ stdio: ['pipe', 'pipe', 'pipe'] });
	let stderr = '';
	child.stderr.on('data', (chunk) => {
		stderr += chunk;
	});
	const events = [];
	const waiters = [];
	createInterface({ input: child.stdout }).on('line', (line) => {
		const event = JSON.parse(line);
		const waiter = waiters.shift();
		if (waiter) {
			waiter(event);
		}
		else {
			events.push(event);
		}
	});
	const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
	return {
		next: () => within((events.length > 0) ? Promise.resolve(events.shift())
			: new Promise((resolve) => waiters.push(resolve)), 'the next event'),
		command: (line) => child.stdin.write(line + '\n'),
		exited: () => within(exited, 'the driver to exit'),
		stderr: () => stderr,
		kill: () => child.kill(),
	};
}

function within(promise, what) {
	let timer;
	return Promise.race([promise, new Promise((resolve, reject) => {
		timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), TIMEOUT);
	})]).finally(() => clearTimeout(timer));
}

describe('drive-client.mjs on a real WebSocket', () => {

	let server;

	before(async () => {
		server = await startServer();
	});

	after(async () => {
		await server.close();
	});

	it('says hello, resumes after a drop and a malformed frame, and closes with 1000', { timeout: 30_000 }, async () => {
		const driver = drive(server.url, '--initial-delay=20', '--max-delay=100');
		try {
			const first = await within(server.accept(), 'the first connection');
			assert.equal(first.protocol, 'socketbox.v1');
			assert.deepEqual(await within(first.next(), 'hello'), { type: 'text', text: 'c {"t":"hello"}' });
			first.send('c {"t":"welcome","session":"s1","token":"t1","resumed":false,"b":{"n1":0}}');
			assert.deepEqual(await driver.next(), { event: 'open', session: 's1', resumed: false, state: 'open' });

			driver.command('send hello  world ');
			assert.deepEqual(await driver.next(), { event: 'sent', text: 'hello  world ', result: true, state: 'open' });
			assert.deepEqual(await within(first.next(), 'a message'), { type: 'text', text: 'm 1 hello  world ' });
			driver.command('send two');
			assert.equal((await driver.next()).result, true);
			assert.deepEqual(await within(first.next(), 'a message'), { type: 'text', text: 'm 2 two' });

			first.send('c {"t":"ack","m":1}');
			first.send('d 1 one');
			first.send('b n1 1 b one');
			first.send('d 1 one');
			first.send('c {"t":"token","token":"t2"}');
			first.send('b n1 3 b three');
			assert.deepEqual(await driver.next(),
					{ event: 'message', text: 'one', meta: { kind: 'direct', seq: 1 }, state: 'open' });
			assert.deepEqual(await driver.next(),
					{ event: 'message', text: 'b one', meta: { kind: 'broadcast', origin: 'n1', position: 1 }, state: 'open' });
			assert.deepEqual(await driver.next(),
					{ event: 'gap', kind: 'broadcast', reason: 'skipped', origin: 'n1', state: 'open' });
			assert.equal((await driver.next()).text, 'b three');
			// The ack came before the frames just seen
			driver.command('unacknowledged');
			assert.deepEqual(await driver.next(), { event: 'unacknowledged', count: 1, state: 'open' });

			first.drop();
			assert.deepEqual(await driver.next(),
					{ event: 'close', code: 1006, reason: '', willReconnect: true, state: 'reconnecting' });
			const reconnecting = await driver.next();
			assert.equal(reconnecting.event, 'reconnecting');
			assert.equal(reconnecting.attempt, 1);
			assert.ok(reconnecting.delay >= 0 && reconnecting.delay < 20);

			const second = await within(server.accept(), 'the second connection');
			const resume = await within(second.next(), 'resume');
			assert.deepEqual(JSON.parse(resume.text.slice(2)), { t: 'resume', token: 't2', d: 1, b: { n1: 3 } });
			second.send('c {"t":"welcome","session":"s1","token":"t3","resumed":true,"m":1,"b":{"n1":3}}');
			assert.deepEqual(await driver.next(), { event: 'open', session: 's1', resumed: true, state: 'open' });
			assert.deepEqual(await driver.next(), { event: 'resumed', session: 's1', state: 'open' });
			// What the welcome did not acknowledge goes again, with its number
			assert.deepEqual(await within(second.next(), 'the message again'), { type: 'text', text: 'm 2 two' });

			// The WebSocket API refuses to close with 1002: the client closes with 4002
			second.send('x malformed');
			const error = await driver.next();
			assert.deepEqual([error.event, error.kind, error.frame], ['error', 'malformed', 'x malformed']);
			assert.deepEqual(await driver.next(),
					{ event: 'close', code: 4002, reason: 'malformed frame', willReconnect: true, state: 'reconnecting' });
			assert.deepEqual(await within(second.next(), 'the close frame'),
					{ type: 'close', code: 4002, reason: 'malformed frame' });
			assert.equal((await driver.next()).event, 'reconnecting');

			const third = await within(server.accept(), 'the third connection');
			assert.equal(JSON.parse((await within(third.next(), 'resume')).text.slice(2)).token, 't3');
			driver.command('send before the welcome');
			assert.deepEqual(await driver.next(),
					{ event: 'sent', text: 'before the welcome', result: true, state: 'reconnecting' });
			third.send('c {"t":"welcome","session":"s2","token":"t4","resumed":false,"m":0,"b":{}}');
			assert.deepEqual(await driver.next(), { event: 'open', session: 's2', resumed: false, state: 'open' });
			// A new session: what was kept goes again, numbered from 1
			assert.deepEqual(await within(third.next(), 'kept message'), { type: 'text', text: 'm 1 two' });
			assert.deepEqual(await within(third.next(), 'kept message'), { type: 'text', text: 'm 2 before the welcome' });
			driver.command('unacknowledged');
			assert.deepEqual(await driver.next(), { event: 'unacknowledged', count: 2, state: 'open' });

			driver.command('close');
			assert.deepEqual(await driver.next(),
					{ event: 'close', code: 1000, reason: '', willReconnect: false, state: 'closed' });
			assert.deepEqual(await within(third.next(), 'the close frame'), { type: 'close', code: 1000, reason: '' });
			assert.equal(await driver.exited(), 0);
		}
		finally {
			driver.kill();
		}
	});

	it('stops on a close with 4001 and exits', { timeout: 30_000 }, async () => {
		const driver = drive(server.url);
		try {
			const connection = await within(server.accept(), 'a connection');
			await within(connection.next(), 'hello');
			connection.send('c {"t":"welcome","session":"s1","token":"t1","resumed":false,"b":{}}');
			assert.equal((await driver.next()).event, 'open');
			connection.close(4001, 'resumed elsewhere');
			assert.deepEqual(await driver.next(),
					{ event: 'close', code: 4001, reason: 'resumed elsewhere', willReconnect: false, state: 'closed' });
			assert.equal(await driver.exited(), 0);
		}
		finally {
			driver.kill();
		}
	});

	it('refuses a URL that is not ws: or wss:', async () => {
		const driver = drive('http://127.0.0.1:1/ws');
		assert.equal(await driver.exited(), 2);
		assert.match(driver.stderr(), /a ws:\/\/ or wss:\/\/ URL is required/);
	});

});
