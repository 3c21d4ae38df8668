// Tests of client.js against an in-process fake WebSocket (fake-websocket.mjs).
// Run: node --test src/test/js (from socketbox-spring-boot-autoconfigure).

import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { FakeServer, FakeWebSocket, ManualTimers, seededRandom } from './fake-websocket.mjs';

const require = createRequire(import.meta.url);
const SocketBox = require('../../main/resources/io/socketbox/spring/client/client.js');

const URL = 'ws://127.0.0.1:1/ws';

let timers;

/** A client on the fake WebSocket and manual timers, and a log of every event it raised. */
function connect(options = {}) {
	const client = SocketBox.connect(URL, {
		WebSocket: FakeWebSocket,
		setTimeout: timers.setTimeout,
		clearTimeout: timers.clearTimeout,
		...options,
	});
	const events = [];
	for (const name of ['open', 'resumed', 'gap', 'close', 'reconnecting', 'error']) {
		client.on(name, (detail) => events.push([name, detail]));
	}
	client.on('message', (text, meta) => events.push(['message', text, meta]));
	return { client, events, of: (name) => events.filter((event) => event[0] === name) };
}

function welcome(fields) {
	return 'c ' + JSON.stringify({ t: 'welcome', session: 's1', token: 'tok1', resumed: false, b: {}, ...fields });
}

/** Open the latest socket, check its hello or resume frame, and welcome it. */
function welcomeLatest(fields) {
	const socket = FakeWebSocket.last();
	socket.serverOpen();
	socket.serverSend(welcome(fields));
	return socket;
}

function messages(events) {
	return events.filter((event) => event[0] === 'message').map((event) => [event[1], event[2]]);
}

beforeEach(() => {
	FakeWebSocket.reset();
	timers = new ManualTimers();
});

describe('connecting', () => {

	it('offers socketbox.v1, says hello first and opens on welcome', () => {
		const { client, events } = connect();
		const socket = FakeWebSocket.last();
		assert.equal(socket.url, URL);
		assert.equal(socket.protocols, 'socketbox.v1');
		assert.equal(client.state, 'connecting');
		assert.equal(client.session, null);
		socket.serverOpen();
		assert.deepEqual(socket.sent, ['c {"t":"hello"}']);
		assert.equal(client.state, 'connecting', 'not open before the welcome');
		socket.serverSend(welcome({ session: 'abc', b: { n1: 4 } }));
		assert.equal(client.state, 'open');
		assert.equal(client.session, 'abc');
		assert.deepEqual(events, [['open', { session: 'abc', resumed: false }]]);
	});

	it('defaults to the global WebSocket and fails clearly without one', () => {
		const saved = globalThis.WebSocket;
		try {
			globalThis.WebSocket = FakeWebSocket;
			SocketBox.connect(URL);
			assert.equal(FakeWebSocket.created.length, 1);
			delete globalThis.WebSocket;
			assert.throws(() => SocketBox.connect(URL), /no WebSocket implementation/);
		}
		finally {
			if (saved === undefined) {
				delete globalThis.WebSocket;
			}
			else {
				globalThis.WebSocket = saved;
			}
		}
	});

	it('lets connect() throw on a URL the WebSocket refuses', () => {
		class Refusing {
			constructor() {
				throw new SyntaxError('bad url');
			}
		}
		assert.throws(() => SocketBox.connect('nope', { WebSocket: Refusing }), SyntaxError);
	});

});

describe('resuming', () => {

	it('resumes with the latest token, the last seq and the positions after a drop', () => {
		const { client, events } = connect();
		const first = welcomeLatest({ token: 'tok1', b: { n1: 5, n2: 0 } });
		first.serverSend('d 1 one');
		first.serverSend('d 2 two');
		first.serverSend('b n1 6 six');
		first.serverSend('c {"t":"token","token":"tok2"}');
		first.serverClose(1006);
		assert.equal(client.state, 'reconnecting');
		assert.deepEqual(events.slice(-2), [
			['close', { code: 1006, reason: '', willReconnect: true }],
			['reconnecting', { attempt: 1, delay: events.at(-1)[1].delay }],
		]);
		assert.equal(FakeWebSocket.created.length, 1, 'no socket before the delay');
		timers.runAll();
		const second = FakeWebSocket.last();
		assert.notEqual(second, first);
		assert.equal(second.protocols, 'socketbox.v1');
		second.serverOpen();
		assert.equal(second.sent.length, 1);
		assert.deepEqual(JSON.parse(second.sent[0].slice(2)),
				{ t: 'resume', token: 'tok2', d: 2, b: { n1: 6, n2: 0 } });
		assert.ok(second.sent[0].startsWith('c {'));
		second.serverSend(welcome({ token: 'tok3', resumed: true, b: { n1: 6, n2: 0 } }));
		assert.equal(client.state, 'open');
		assert.deepEqual(events.slice(-2), [['open', { session: 's1', resumed: true }], ['resumed', { session: 's1' }]]);
	});

	it('drops replayed directs and broadcasts it already has', () => {
		const { events } = connect();
		const first = welcomeLatest({ b: { n1: 5 } });
		first.serverSend('d 1 one');
		first.serverSend('d 2 two');
		first.serverSend('b n1 6 six');
		first.serverClose(1012);
		timers.runAll();
		const second = welcomeLatest({ resumed: true, b: { n1: 6 } });
		// Replays that start before the client's place (frames the client had)
		second.serverSend('d 2 two');
		second.serverSend('d 3 three');
		second.serverSend('b n1 6 six');
		second.serverSend('b n1 7 seven');
		second.serverSend('d 3 three');
		second.serverSend('b n1 7 seven');
		second.serverSend('b n1 4 old');
		assert.deepEqual(messages(events), [
			['one', { kind: 'direct', seq: 1 }],
			['two', { kind: 'direct', seq: 2 }],
			['six', { kind: 'broadcast', origin: 'n1', position: 6 }],
			['three', { kind: 'direct', seq: 3 }],
			['seven', { kind: 'broadcast', origin: 'n1', position: 7 }],
		]);
		assert.equal(events.filter((event) => event[0] === 'gap').length, 0);
	});

	it('counts directs from 0 again when the resume made a new session', () => {
		const { client, events } = connect();
		const first = welcomeLatest({ session: 'old', b: {} });
		first.serverSend('d 1 one');
		first.serverSend('d 2 two');
		first.serverClose(1001);
		timers.runAll();
		const second = FakeWebSocket.last();
		second.serverOpen();
		assert.equal(second.controls()[0].t, 'resume');
		second.serverSend(welcome({ session: 'new', resumed: false, b: {} }));
		second.serverSend('c {"t":"gap","kind":"direct","reason":"expired"}');
		second.serverSend('d 1 fresh');
		assert.equal(client.session, 'new');
		assert.deepEqual(events.slice(-3), [
			['open', { session: 'new', resumed: false }],
			['gap', { kind: 'direct', reason: 'expired' }],
			['message', 'fresh', { kind: 'direct', seq: 1 }],
		]);
		assert.equal(events.filter((event) => event[0] === 'resumed').length, 0);
	});

	it('replaces its positions with the welcome, forgetting origins the server dropped', () => {
		const { events } = connect();
		const first = welcomeLatest({ b: { n1: 3, gone: 9 } });
		first.serverClose(1006);
		timers.runAll();
		const second = welcomeLatest({ resumed: true, b: { n1: 3, n9: 1 } });
		second.serverClose(1006);
		timers.runAll();
		const third = FakeWebSocket.last();
		third.serverOpen();
		assert.deepEqual(third.controls()[0].b, { n1: 3, n9: 1 });
		third.serverSend(welcome({ resumed: true, b: { n1: 3, n9: 1 } }));
		third.serverSend('b gone 2 late');
		assert.deepEqual(messages(events), [['late', { kind: 'broadcast', origin: 'gone', position: 2 }]]);
	});

	it('resumes against a server model without losing or repeating a message', () => {
		const server = new FakeServer();
		const { client, events } = connect();
		let socket = FakeWebSocket.last();
		socket.serverOpen();
		const session = server.accept(socket);
		server.broadcast('n1', 'b1', [socket]);
		server.direct(session, 'd1');
		socket.serverClose(1006);
		// Sent while the client is away: replayed on resume
		server.broadcast('n1', 'b2', []);
		server.direct(session, 'd2');
		timers.runAll();
		socket = FakeWebSocket.last();
		socket.serverOpen();
		server.accept(socket);
		server.broadcast('n1', 'b3', [socket]);
		server.direct(session, 'd3');
		assert.equal(client.session, session.id);
		assert.deepEqual(messages(events).map(([text]) => text), ['b1', 'd1', 'd2', 'b2', 'b3', 'd3']);
		assert.equal(events.filter((event) => event[0] === 'gap').length, 0);
	});

});

describe('frames', () => {

	it('splits a broadcast on the first three spaces only', () => {
		const { events } = connect();
		const socket = welcomeLatest({ b: {} });
		socket.serverSend('b n1 1  two  spaces ');
		socket.serverSend('b n1 2 ');
		socket.serverSend('d 1 a b c');
		socket.serverSend('d 2 ');
		socket.serverSend('b n1 3 {"json": [1, 2]}');
		assert.deepEqual(messages(events).map(([text]) => text), [' two  spaces ', '', 'a b c', '', '{"json": [1, 2]}']);
	});

	it('keeps origins that are names of Object.prototype apart', () => {
		const { events } = connect();
		const socket = welcomeLatest({ b: { constructor: 2, tostring: 1 } });
		socket.serverSend('b constructor 2 dup');
		socket.serverSend('b constructor 3 three');
		socket.serverSend('b hasownproperty 1 one');
		socket.serverSend('b hasownproperty 1 dup');
		assert.deepEqual(messages(events).map(([text]) => text), ['three', 'one']);
		socket.serverClose(1006);
		timers.runAll();
		FakeWebSocket.last().serverOpen();
		assert.deepEqual(FakeWebSocket.last().controls()[0].b, { constructor: 3, tostring: 1, hasownproperty: 1 });
	});

	it('ignores a control message of a later revision', () => {
		const { client, events } = connect();
		const socket = welcomeLatest({});
		socket.serverSend('c {"t":"shiny","x":1}');
		assert.equal(client.state, 'open');
		assert.equal(socket.closedWith, null);
		assert.deepEqual(events.map(([name]) => name), ['open']);
	});

});

describe('gaps', () => {

	it('passes on the server\'s gaps, then does not report the skip they announced', () => {
		const { events } = connect();
		const socket = welcomeLatest({ b: { n1: 2 } });
		socket.serverSend('c {"t":"gap","kind":"direct","reason":"overflow"}');
		socket.serverSend('c {"t":"gap","kind":"broadcast","reason":"history","origin":"n1"}');
		socket.serverSend('d 40 forty');
		socket.serverSend('b n1 30 thirty');
		assert.deepEqual(events.slice(1), [
			['gap', { kind: 'direct', reason: 'overflow' }],
			['gap', { kind: 'broadcast', reason: 'history', origin: 'n1' }],
			['message', 'forty', { kind: 'direct', seq: 40 }],
			['message', 'thirty', { kind: 'broadcast', origin: 'n1', position: 30 }],
		]);
		// The announcement covers one skip, not the next
		socket.serverSend('d 42 fortytwo');
		assert.deepEqual(events.at(-2), ['gap', { kind: 'direct', reason: 'skipped' }]);
	});

	it('raises a skipped gap before a message that skips a number, then counts on from it', () => {
		const { events } = connect();
		const socket = welcomeLatest({ b: { n1: 3, n2: 0 } });
		socket.serverSend('d 1 one');
		socket.serverSend('d 3 three');
		socket.serverSend('d 4 four');
		socket.serverSend('b n1 5 five');
		socket.serverSend('b n1 6 six');
		socket.serverSend('b n2 2 two');
		assert.deepEqual(events.slice(1), [
			['message', 'one', { kind: 'direct', seq: 1 }],
			['gap', { kind: 'direct', reason: 'skipped' }],
			['message', 'three', { kind: 'direct', seq: 3 }],
			['message', 'four', { kind: 'direct', seq: 4 }],
			['gap', { kind: 'broadcast', reason: 'skipped', origin: 'n1' }],
			['message', 'five', { kind: 'broadcast', origin: 'n1', position: 5 }],
			['message', 'six', { kind: 'broadcast', origin: 'n1', position: 6 }],
			['gap', { kind: 'broadcast', reason: 'skipped', origin: 'n2' }],
			['message', 'two', { kind: 'broadcast', origin: 'n2', position: 2 }],
		]);
	});

	it('takes the first broadcast of an origin the welcome did not list, with a gap unless it is the first', () => {
		const { events } = connect();
		const socket = welcomeLatest({ b: {} });
		socket.serverSend('b n7 12 twelve');
		socket.serverSend('b n7 13 thirteen');
		socket.serverSend('b n8 1 one');
		assert.deepEqual(events.slice(1).map(([name, detail]) => [name, detail]), [
			['gap', { kind: 'broadcast', reason: 'skipped', origin: 'n7' }],
			['message', 'twelve'],
			['message', 'thirteen'],
			['message', 'one'],
		]);
	});

});

describe('reconnect delays', () => {

	function dropAndCollect(client, socket, code = 1006) {
		socket.serverClose(code);
		return timers.delays();
	}

	it('draws each delay with full jitter under a cap that doubles up to maxDelay', () => {
		const draws = [0.999999, 0.5, 0, 0.999999, 0.999999, 0.999999, 0.999999, 0.25];
		let i = 0;
		const { client, of } = connect({ initialDelay: 100, maxDelay: 1000, random: () => draws[i++] });
		for (let attempt = 0; attempt < draws.length; attempt++) {
			FakeWebSocket.last().serverClose(1006);
			assert.equal(timers.size, 1);
			timers.runAll();
		}
		const caps = [100, 200, 400, 800, 1000, 1000, 1000, 1000];
		assert.deepEqual(of('reconnecting').map(([, detail]) => detail), draws.map((draw, n) => ({
			attempt: n + 1, delay: Math.floor(draw * caps[n]),
		})));
		assert.deepEqual(of('reconnecting').map(([, detail]) => detail.delay), [99, 100, 0, 799, 999, 999, 999, 250]);
		assert.equal(client.state, 'reconnecting');
		assert.equal(FakeWebSocket.created.length, draws.length + 1);
	});

	it('waits the drawn delay before opening the next socket', () => {
		const { client } = connect({ initialDelay: 300, random: () => 0.5 });
		FakeWebSocket.last().serverClose(1013);
		assert.deepEqual(timers.delays(), [150]);
		assert.equal(FakeWebSocket.created.length, 1);
		timers.runAll();
		assert.equal(FakeWebSocket.created.length, 2);
		assert.equal(client.state, 'reconnecting');
	});

	it('starts over from initialDelay after a welcome, not after a mere open', () => {
		const { of } = connect({ initialDelay: 100, maxDelay: 10000, random: () => 0.999999 });
		welcomeLatest({});
		FakeWebSocket.last().serverClose(1006);
		timers.runAll();
		FakeWebSocket.last().serverClose(1006);
		timers.runAll();
		// Opened but closed before any welcome: the backoff goes on growing
		FakeWebSocket.last().serverOpen();
		FakeWebSocket.last().serverClose(1011);
		timers.runAll();
		welcomeLatest({ resumed: true });
		FakeWebSocket.last().serverClose(1006);
		assert.deepEqual(of('reconnecting').map(([, detail]) => [detail.attempt, detail.delay]),
				[[1, 99], [2, 199], [3, 399], [1, 99]]);
	});

	it('keeps a delay within [0, cap) whatever random returns', () => {
		for (const draw of [-1, NaN, 1, 7, undefined]) {
			timers = new ManualTimers();
			const { of } = connect({ initialDelay: 100, random: () => draw });
			FakeWebSocket.last().serverClose(1006);
			const [[, { delay }]] = of('reconnecting');
			assert.ok(delay >= 0 && delay <= 100, `delay ${delay} for random ${draw}`);
		}
	});

});

describe('close codes', () => {

	for (const code of [1000, 1003, 1008, 4001]) {
		it(`stops after a close with ${code}`, () => {
			const { client, of } = connect();
			const socket = welcomeLatest({});
			socket.serverClose(code, 'bye');
			assert.equal(client.state, 'closed');
			assert.deepEqual(of('close'), [['close', { code, reason: 'bye', willReconnect: false }]]);
			assert.equal(timers.size, 0);
			assert.equal(of('reconnecting').length, 0);
			assert.equal(client.send('x'), false);
		});
	}

	for (const code of [1001, 1002, 1005, 1006, 1011, 1012, 1013, 3000, 4000, 4002, 4999]) {
		it(`reconnects after a close with ${code}`, () => {
			const { client, of } = connect();
			const socket = welcomeLatest({});
			socket.serverClose(code);
			assert.equal(client.state, 'reconnecting');
			assert.deepEqual(of('close'), [['close', { code, reason: '', willReconnect: true }]]);
			assert.equal(timers.size, 1);
			timers.runAll();
			assert.equal(FakeWebSocket.created.length, 2);
		});
	}

	it('reconnects when the first connection fails before opening', () => {
		const { client, of } = connect();
		FakeWebSocket.last().serverClose(1006);
		assert.equal(client.state, 'reconnecting');
		timers.runAll();
		welcomeLatest({});
		assert.equal(client.state, 'open');
		assert.deepEqual(FakeWebSocket.last().controls(), [{ t: 'hello' }], 'no token yet: hello again');
		assert.equal(of('close').length, 1);
	});

	it('close() closes with 1000 and never reconnects', () => {
		const { client, of } = connect();
		const socket = welcomeLatest({});
		client.close();
		assert.deepEqual(socket.closedWith, { code: 1000, reason: '' });
		assert.equal(client.state, 'closed');
		assert.deepEqual(of('close'), [['close', { code: 1000, reason: '', willReconnect: false }]]);
		// What the old socket still reports is no longer the client's business
		socket.serverSend('d 1 late');
		socket.serverClose(1006);
		client.close();
		assert.equal(of('close').length, 1);
		assert.equal(of('message').length, 0);
		assert.equal(timers.size, 0);
	});

	it('close() while waiting to reconnect cancels the reconnect', () => {
		const { client } = connect();
		welcomeLatest({});
		FakeWebSocket.last().serverClose(1006);
		assert.equal(timers.size, 1);
		client.close();
		assert.equal(timers.size, 0);
		assert.equal(client.state, 'closed');
		assert.equal(FakeWebSocket.created.length, 1);
	});

	it('a close listener may close the client', () => {
		const { client } = connect();
		client.on('close', () => client.close());
		welcomeLatest({});
		FakeWebSocket.last().serverClose(1006);
		assert.equal(client.state, 'closed');
		assert.equal(timers.size, 0);
	});

});

describe('send', () => {

	/** The client's numbered messages on socket, as [seq, text]. */
	function numbered(socket) {
		return socket.sent.filter((frame) => frame.startsWith('m ')).map((frame) => {
			const space = frame.indexOf(' ', 2);
			return [Number(frame.slice(2, space)), frame.slice(space + 1)];
		});
	}

	/** Drop the current connection and open the next one, up to (not including) its welcome. */
	function reconnect(code = 1006) {
		FakeWebSocket.last().serverClose(code);
		timers.runAll();
		const socket = FakeWebSocket.last();
		socket.serverOpen();
		return socket;
	}

	it('numbers its messages and writes them to a welcomed socket at once', () => {
		const { client } = connect();
		const socket = welcomeLatest({});
		assert.equal(client.unacknowledged, 0);
		assert.equal(client.send('hi there'), true);
		assert.equal(client.send(''), true);
		assert.equal(client.send(' spaced  out '), true);
		assert.deepEqual(socket.sent, ['c {"t":"hello"}', 'm 1 hi there', 'm 2 ', 'm 3  spaced  out ']);
		assert.equal(client.unacknowledged, 3);
	});

	it('keeps what it is given while connecting and writes it after the welcome, in order', () => {
		const { client } = connect();
		const socket = FakeWebSocket.last();
		assert.equal(client.send('one'), true, 'connecting');
		socket.serverOpen();
		assert.equal(client.send('two'), true, 'open but not welcomed');
		assert.deepEqual(socket.sent, ['c {"t":"hello"}'], 'nothing before the welcome');
		const seen = [];
		client.on('open', () => {
			seen.push(numbered(socket).length);
			client.send('three');
		});
		socket.serverSend(welcome({}));
		assert.deepEqual(seen, [2], 'the kept messages went before the open listeners ran');
		assert.deepEqual(numbered(socket), [[1, 'one'], [2, 'two'], [3, 'three']]);
		assert.equal(client.unacknowledged, 3);
	});

	it('keeps what it is given while reconnecting and writes it after the welcome', () => {
		const { client } = connect();
		welcomeLatest({});
		assert.equal(client.send('before'), true);
		FakeWebSocket.last().serverSend('c {"t":"ack","m":1}');
		FakeWebSocket.last().serverClose(1012);
		assert.equal(client.state, 'reconnecting');
		assert.equal(client.send('away'), true, 'reconnecting');
		timers.runAll();
		const second = FakeWebSocket.last();
		second.serverOpen();
		assert.equal(client.send('back'), true, 'reconnected, not yet welcomed');
		assert.deepEqual(numbered(second), []);
		second.serverSend(welcome({ resumed: true, m: 1 }));
		assert.deepEqual(numbered(second), [[2, 'away'], [3, 'back']]);
		assert.equal(client.unacknowledged, 2);
	});

	it('on a resume drops what the welcome acknowledges and writes the rest again, in order, before anything new', () => {
		const { client } = connect();
		const first = welcomeLatest({});
		for (const text of ['a', 'b', 'c', 'd']) {
			client.send(text);
		}
		assert.deepEqual(numbered(first).map(([seq]) => seq), [1, 2, 3, 4]);
		const second = reconnect();
		client.send('e');
		client.on('open', () => client.send('f'));
		second.serverSend(welcome({ resumed: true, m: 2 }));
		client.send('g');
		assert.deepEqual(numbered(second), [[3, 'c'], [4, 'd'], [5, 'e'], [6, 'f'], [7, 'g']]);
		assert.equal(client.unacknowledged, 5);
		assert.deepEqual(second.controls().length, 1, 'the resume, and no other control frame');
	});

	it('takes a welcome without m as one that acknowledges nothing (a server older than m frames)', () => {
		const { client } = connect();
		welcomeLatest({});
		client.send('a');
		client.send('b');
		const second = reconnect();
		second.serverSend('c ' + JSON.stringify({ t: 'welcome', session: 's1', token: 't', resumed: true, b: {} }));
		assert.equal(client.state, 'open');
		assert.deepEqual(numbered(second), [[1, 'a'], [2, 'b']]);
		assert.equal(client.unacknowledged, 2);
	});

	it('drops what an ack acknowledges, and only that', () => {
		const { client, of } = connect();
		const socket = welcomeLatest({});
		for (const text of ['a', 'b', 'c', 'd']) {
			client.send(text);
		}
		socket.serverSend('c {"t":"ack","m":0}');
		assert.equal(client.unacknowledged, 4);
		socket.serverSend('c {"t":"ack","m":2}');
		assert.equal(client.unacknowledged, 2);
		// An older ack, from a node that knew less: nothing to drop, not an error
		socket.serverSend('c {"t":"ack","m":1}');
		assert.equal(client.unacknowledged, 2);
		socket.serverSend('c {"t":"ack","m":4}');
		assert.equal(client.unacknowledged, 0);
		assert.equal(of('error').length, 0);
		assert.equal(socket.closedWith, null);
		// What was acknowledged is not written again on a resume
		client.send('e');
		const second = reconnect();
		second.serverSend(welcome({ resumed: true, m: 4 }));
		assert.deepEqual(numbered(second), [[5, 'e']]);
	});

	it('numbers what it kept from 1 again on a new session, and goes on from there', () => {
		const { client } = connect();
		const first = welcomeLatest({ session: 'old' });
		client.send('a');
		client.send('b');
		client.send('c');
		first.serverSend('c {"t":"ack","m":1}');
		first.serverClose(1006);
		client.send('d');
		timers.runAll();
		const second = FakeWebSocket.last();
		second.serverOpen();
		assert.equal(second.controls()[0].t, 'resume');
		// The resume failed: a new session, which has handled nothing
		second.serverSend(welcome({ session: 'new', resumed: false, m: 0 }));
		client.send('e');
		assert.deepEqual(numbered(second), [[1, 'b'], [2, 'c'], [3, 'd'], [4, 'e']]);
		second.serverSend('c {"t":"ack","m":4}');
		assert.equal(client.unacknowledged, 0);
		assert.equal(second.closedWith, null);
	});

	it('on a resume whose welcome acknowledges less than an ack did, writes again only what it still keeps', () => {
		// The node that acknowledged 1 to 3 crashed before the session's home learned of them
		const { client } = connect();
		const first = welcomeLatest({});
		client.send('a');
		client.send('b');
		client.send('c');
		client.send('d');
		first.serverSend('c {"t":"ack","m":3}');
		const second = reconnect();
		second.serverSend(welcome({ resumed: true, m: 1 }));
		client.send('e');
		assert.deepEqual(numbered(second), [[4, 'd'], [5, 'e']]);
		assert.equal(client.unacknowledged, 2);
	});

	it('refuses a message beyond maxUnacked, keeping nothing of it, and takes one again once an ack came', () => {
		const { client } = connect({ maxUnacked: 3 });
		assert.equal(client.send('1'), true);
		assert.equal(client.send('2'), true);
		assert.equal(client.send('3'), true);
		assert.equal(client.send('4'), false, 'three wait already, before any welcome');
		const socket = welcomeLatest({});
		assert.equal(client.send('5'), false);
		assert.deepEqual(numbered(socket), [[1, '1'], [2, '2'], [3, '3']]);
		socket.serverSend('c {"t":"ack","m":1}');
		assert.equal(client.send('6'), true);
		assert.equal(client.send('7'), false);
		assert.deepEqual(numbered(socket).at(-1), [4, '6'], 'the refused ones took no number');
		assert.equal(client.unacknowledged, 3);
	});

	it('defaults maxUnacked to 1000 and refuses a bound that is not a positive integer', () => {
		const { client } = connect();
		for (let i = 0; i < 1000; i++) {
			assert.equal(client.send('x' + i), true);
		}
		assert.equal(client.send('one too many'), false);
		assert.equal(client.unacknowledged, 1000);
		for (const bound of [0, -1, 1.5, '10', NaN, Infinity]) {
			assert.throws(() => connect({ maxUnacked: bound }), RangeError, String(bound));
		}
	});

	it('returns false once closed, and still says how many were not acknowledged', () => {
		const { client } = connect();
		welcomeLatest({});
		client.send('a');
		client.close();
		assert.equal(client.send('gone'), false);
		assert.equal(client.unacknowledged, 1);
	});

	it('keeps a message given while the socket is closing and writes it after the next welcome', () => {
		const { client } = connect();
		const socket = welcomeLatest({});
		socket.readyState = FakeWebSocket.CLOSING;
		assert.equal(client.send('x'), true);
		assert.deepEqual(numbered(socket), []);
		const second = reconnect(1001);
		second.serverSend(welcome({ resumed: true, m: 0 }));
		assert.deepEqual(numbered(second), [[1, 'x']]);
	});

	it('keeps a message whose write threw and writes it, and what followed, after the next welcome', () => {
		const { client } = connect();
		const socket = welcomeLatest({});
		client.send('a');
		const write = socket.send;
		socket.send = () => {
			throw new Error('InvalidStateError');
		};
		assert.equal(client.send('b'), true);
		// The socket's close event follows; meanwhile what is given waits behind 'b'
		assert.equal(client.send('c'), true);
		assert.deepEqual(numbered(socket), [[1, 'a']]);
		assert.equal(client.unacknowledged, 3);
		socket.send = write;
		const second = reconnect();
		second.serverSend(welcome({ resumed: true, m: 1 }));
		assert.deepEqual(numbered(second), [[2, 'b'], [3, 'c']]);
	});

	it('refuses what is not a string', () => {
		const { client } = connect();
		welcomeLatest({});
		assert.throws(() => client.send({ text: 'x' }), TypeError);
		assert.equal(client.unacknowledged, 0);
	});

});

describe('malformed acknowledgements', () => {

	/** A client with messages 1 to 3 written on its welcomed socket. */
	function clientWithMessages() {
		const connected = connect();
		const socket = welcomeLatest({});
		for (const text of ['a', 'b', 'c']) {
			connected.client.send(text);
		}
		return { ...connected, socket };
	}

	function assertClosedAndResumes({ client, of }, socket, kept = ['m 1 a', 'm 2 b', 'm 3 c']) {
		assert.equal(of('error').length, 1);
		assert.equal(of('error')[0][1].kind, 'malformed');
		assert.deepEqual(socket.closedWith, { code: 4002, reason: 'malformed frame' });
		assert.equal(client.state, 'reconnecting');
		timers.runAll();
		const next = FakeWebSocket.last();
		next.serverOpen();
		assert.equal(next.controls()[0].t, 'resume');
		next.serverSend(welcome({ resumed: true, m: 0 }));
		// Nothing was dropped for the bad frame
		assert.deepEqual(next.sent.filter((frame) => frame.startsWith('m ')), kept);
	}

	const badAcks = [
		'{"t":"ack","m":4}',
		'{"t":"ack","m":9007199254740991}',
		'{"t":"ack","m":-1}',
		'{"t":"ack","m":1.5}',
		'{"t":"ack","m":"2"}',
		'{"t":"ack","m":null}',
		'{"t":"ack"}',
		'{"t":"ack","m":9007199254740993}',
		'{"t":"ack","m":1e300}',
	];

	for (const ack of badAcks) {
		it(`closes with 4002 on c ${ack} and resumes with every message kept`, () => {
			const connected = clientWithMessages();
			connected.socket.serverSend('c ' + ack);
			assert.equal(connected.client.unacknowledged, 3);
			assertClosedAndResumes(connected, connected.socket);
		});
	}

	it('takes an ack of a message given but not written yet as malformed', () => {
		const connected = clientWithMessages();
		const { client, socket } = connected;
		socket.readyState = FakeWebSocket.CLOSING;
		client.send('d');
		socket.serverSend('c {"t":"ack","m":4}');
		assertClosedAndResumes(connected, socket, ['m 1 a', 'm 2 b', 'm 3 c', 'm 4 d']);
	});

	it('takes an ack before any message as malformed', () => {
		const { client, of } = connect();
		const socket = welcomeLatest({});
		socket.serverSend('c {"t":"ack","m":1}');
		assert.equal(of('error').length, 1);
		assert.equal(socket.closedWith.code, 4002);
		assert.equal(client.state, 'reconnecting');
	});

	it('takes a resumed welcome that acknowledges more than was written as malformed', () => {
		const connected = clientWithMessages();
		connected.socket.serverClose(1006);
		timers.runAll();
		const second = FakeWebSocket.last();
		second.serverOpen();
		second.serverSend(welcome({ resumed: true, m: 4 }));
		assert.equal(connected.client.session, 's1');
		assert.equal(connected.of('open').length, 1, 'the second welcome was not taken');
		assert.equal(connected.client.unacknowledged, 3);
		assertClosedAndResumes(connected, second);
	});

	it('takes a new session whose welcome acknowledges anything as malformed', () => {
		const connected = clientWithMessages();
		connected.socket.serverClose(1006);
		timers.runAll();
		const second = FakeWebSocket.last();
		second.serverOpen();
		second.serverSend(welcome({ session: 's2', resumed: false, m: 1 }));
		assert.equal(connected.client.session, 's1');
		assertClosedAndResumes(connected, second);
	});

	it('takes a welcome whose m is 2 above what an earlier session wrote as malformed on a new session', () => {
		// The seq counter restarts with the session: 3 written on the old one count for nothing
		const { client, of } = connect();
		welcomeLatest({});
		client.send('a');
		client.send('b');
		client.send('c');
		FakeWebSocket.last().serverSend('c {"t":"ack","m":3}');
		FakeWebSocket.last().serverClose(1006);
		timers.runAll();
		welcomeLatest({ session: 's2', resumed: false });
		const socket = FakeWebSocket.last();
		socket.serverSend('c {"t":"ack","m":1}');
		assert.equal(of('error').length, 1);
		assert.equal(socket.closedWith.code, 4002);
	});

});

describe('malformed frames', () => {

	const malformed = [
		'',
		'b',
		'x hello',
		'bn1 1 x',
		'b n1 1',
		'b n1',
		'b N1 1 x',
		'b n-1 1 x',
		'b  1 x',
		'b n1 0 x',
		'b n1 -1 x',
		'b n1 01 x',
		'b n1 1.5 x',
		'b n1 99999999999999999 x',
		'd 0 x',
		'd x',
		'd',
		'd 1',
		'c ',
		'c {',
		'c null',
		'c []',
		'c "welcome"',
		'c {"t":1}',
		'c {"t":"token"}',
		'c {"t":"token","token":""}',
		'c {"t":"gap","kind":"direct"}',
		'c {"t":"gap","kind":"broadcast","reason":"history"}',
		'c {"t":"gap","kind":"other","reason":"x"}',
		'c {"t":"welcome","session":"s","token":"t","resumed":false,"b":{}}',
		new ArrayBuffer(4),
		undefined,
	];

	for (const frame of malformed) {
		it(`reports ${JSON.stringify(String(frame))}, closes with 4002 and reconnects`, () => {
			const { client, events, of } = connect();
			const socket = welcomeLatest({});
			socket.serverSend(frame);
			assert.equal(of('error').length, 1);
			const [, error] = of('error')[0];
			assert.equal(error.kind, 'malformed');
			assert.equal(error.frame, frame);
			assert.equal(typeof error.message, 'string');
			assert.deepEqual(socket.closedWith, { code: 4002, reason: 'malformed frame' });
			assert.deepEqual(of('close'), [['close', { code: 4002, reason: 'malformed frame', willReconnect: true }]]);
			assert.equal(client.state, 'reconnecting');
			// Nothing more from that socket counts
			socket.serverSend('d 1 after');
			assert.equal(of('message').length, 0);
			assert.equal(events.filter(([name]) => name === 'close').length, 1);
			timers.runAll();
			assert.equal(FakeWebSocket.created.length, 2);
		});
	}

	const badWelcomes = [
		'c {"t":"welcome"}',
		'c {"t":"welcome","session":"s","token":"t","resumed":"no","b":{}}',
		'c {"t":"welcome","session":"s","token":"t","resumed":false}',
		'c {"t":"welcome","session":"s","token":"t","resumed":false,"b":[]}',
		'c {"t":"welcome","session":"s","token":"t","resumed":false,"b":{"N":1}}',
		'c {"t":"welcome","session":"s","token":"t","resumed":false,"b":{"n":-1}}',
		'c {"t":"welcome","session":"s","token":"t","resumed":false,"b":{"n":1.5}}',
		'c {"t":"welcome","session":"s","token":"t","resumed":false,"b":{"n":"1"}}',
		'c {"t":"welcome","session":"s","token":"t","resumed":false,"b":{"__proto__":1}}',
		'c {"t":"welcome","session":1,"token":"t","resumed":false,"b":{}}',
		'c {"t":"welcome","session":"s","token":"","resumed":false,"b":{}}',
		'c {"t":"welcome","session":"s","token":"t","resumed":false,"b":{},"m":-1}',
		'c {"t":"welcome","session":"s","token":"t","resumed":false,"b":{},"m":"0"}',
		'c {"t":"welcome","session":"s","token":"t","resumed":false,"b":{},"m":0.5}',
		'c {"t":"welcome","session":"s","token":"t","resumed":false,"b":{},"m":null}',
		'c {"t":"welcome","session":"s","token":"t","resumed":false,"b":{},"m":1}',
		'c {"t":"welcome","session":"s","token":"t","resumed":true,"b":{},"m":1}',
		'c {"t":"ack","m":0}',
		'd 1 before welcome',
		'b n1 1 before welcome',
		'c {"t":"token","token":"early"}',
		'c {"t":"gap","kind":"direct","reason":"expired"}',
	];

	for (const frame of badWelcomes) {
		it(`reports ${frame} as the first frame`, () => {
			const { client, of } = connect();
			const socket = FakeWebSocket.last();
			socket.serverOpen();
			socket.serverSend(frame);
			assert.equal(of('error').length, 1);
			assert.equal(of('open').length, 0);
			assert.equal(of('message').length, 0);
			assert.equal(client.session, null);
			assert.equal(socket.closedWith.code, 4002);
			timers.runAll();
			FakeWebSocket.last().serverOpen();
			assert.deepEqual(FakeWebSocket.last().controls(), [{ t: 'hello' }], 'the bad frame left no token behind');
		});
	}

	it('goes to the console without an error listener', (t) => {
		const logged = [];
		t.mock.method(console, 'error', (...args) => logged.push(args));
		const client = SocketBox.connect(URL, { WebSocket: FakeWebSocket, setTimeout: timers.setTimeout });
		const socket = FakeWebSocket.last();
		socket.serverOpen();
		socket.serverSend('zzz');
		assert.equal(logged.length, 1);
		assert.equal(logged[0][1].frame, 'zzz');
		assert.equal(client.state, 'reconnecting');
	});

});

describe('listeners', () => {

	it('survive each other\'s exceptions, which become error events', () => {
		const { client, of } = connect();
		const seen = [];
		const failure = new Error('listener failed');
		client.on('message', () => {
			throw failure;
		});
		client.on('message', (text) => seen.push(text));
		const socket = welcomeLatest({});
		socket.serverSend('d 1 one');
		socket.serverSend('d 2 two');
		assert.deepEqual(seen, ['one', 'two']);
		assert.deepEqual(of('error').map(([, detail]) => detail), [
			{ kind: 'listener', event: 'message', error: failure },
			{ kind: 'listener', event: 'message', error: failure },
		]);
		assert.equal(client.state, 'open');
	});

	it('a failing error listener goes to the console, not round again', (t) => {
		const logged = [];
		t.mock.method(console, 'error', (...args) => logged.push(args));
		const client = SocketBox.connect(URL, { WebSocket: FakeWebSocket, setTimeout: timers.setTimeout });
		client.on('open', () => {
			throw new Error('open failed');
		});
		client.on('error', () => {
			throw new Error('error failed');
		});
		welcomeLatest({});
		assert.equal(logged.length, 1);
		assert.equal(logged[0][1].message, 'error failed');
		assert.equal(client.state, 'open');
	});

	it('off() removes a listener; on() refuses what is not a function', () => {
		const { client } = connect();
		const seen = [];
		const listener = (text) => seen.push(text);
		client.on('message', listener);
		const socket = welcomeLatest({});
		socket.serverSend('d 1 one');
		client.off('message', listener);
		client.off('message', listener);
		client.off('nothing', listener);
		socket.serverSend('d 2 two');
		assert.deepEqual(seen, ['one']);
		assert.throws(() => client.on('message', 'nope'), TypeError);
	});

	it('a message listener may close the client mid-replay', () => {
		const { client, of } = connect();
		client.on('message', (text) => {
			if (text === 'stop') {
				client.close();
			}
		});
		const socket = welcomeLatest({});
		socket.serverSend('d 1 stop');
		socket.serverSend('d 2 after');
		assert.deepEqual(of('message').map(([, text]) => text), ['stop']);
		assert.equal(client.state, 'closed');
	});

});

describe('random frame sequences', () => {

	const SEED = Number(process.env.SOCKETBOX_CLIENT_SEED ?? 20261201);
	const RUNS = 300;
	const STEPS = 120;
	const ORIGINS = ['n1', 'n2', 'constructor', 'z9'];

	/**
	 * One run: a server that is correct except where it sends garbage on purpose; the
	 * client must never throw, never deliver a message twice or out of order, raise a gap
	 * before any message its stream skipped to, and resume with what it delivered.
	 */
	function run(seed) {
		const random = seededRandom(seed);
		const pick = (items) => items[Math.floor(random() * items.length)];
		const chance = (p) => random() < p;
		const { client, events } = connect({ random });
		client.on('message', () => {
			if (chance(0.05)) {
				throw new Error('a listener that fails now and then');
			}
		});

		let sessions = 0;
		let session = null;
		// The server's side: the highest number it ever sent this client per stream
		let directTop = 0;
		const broadcastTop = new Map(ORIGINS.map((origin) => [origin, 0]));
		// What the client should count from: the welcome's map, then what it delivered
		let expectedSeq = 0;
		let expectedPositions = new Map();
		// Per stream, whether a gap was raised since its last message
		let directGap = false;
		const broadcastGaps = new Set();
		// Delivered so far, per (session, seq) and per origin
		const deliveredSeq = new Map();
		const deliveredPosition = new Map();
		let checked = 0;

		const step = () => {
			const socket = FakeWebSocket.last();
			if (client.state === 'closed') {
				return false;
			}
			if (socket.closedWith !== null || socket.readyState === FakeWebSocket.CLOSED) {
				assert.equal(client.state, 'reconnecting');
				assert.equal(timers.size, 1);
				timers.runAll();
				return true;
			}
			if (socket.readyState === FakeWebSocket.CONNECTING) {
				if (chance(0.1)) {
					socket.serverClose(1006);
				}
				else {
					socket.serverOpen();
					const [hello] = socket.controls();
					if (hello.t === 'resume') {
						assert.equal(hello.d, expectedSeq, 'resume from the last direct delivered');
						assert.deepEqual(hello.b, Object.fromEntries(expectedPositions));
					}
				}
				return true;
			}
			if (client.state !== 'open') {
				const resumed = session !== null && chance(0.7);
				if (!resumed) {
					session = 'session' + ++sessions;
					directTop = 0;
				}
				// A correct server counts broadcasts on from at least the client's place
				const b = {};
				for (const origin of ORIGINS) {
					if (chance(0.8)) {
						b[origin] = broadcastTop.get(origin) + (chance(0.2) ? Math.floor(random() * 3) : 0);
						broadcastTop.set(origin, b[origin]);
					}
				}
				socket.serverSend(welcome({ session, token: 'tok' + seed + '.' + sessions, resumed, b }));
				assert.equal(client.state, 'open');
				assert.equal(client.session, session);
				expectedSeq = resumed ? expectedSeq : 0;
				expectedPositions = new Map(Object.entries(b));
				directGap = false;
				broadcastGaps.clear();
				return true;
			}
			assert.equal(client.send('ping'), true);
			const roll = random();
			if (roll < 0.35) {
				// A direct: a replayed one, the next, or one past a hole
				const seq = pick([Math.max(1, directTop - Math.floor(random() * 3)), directTop + 1, directTop + 2 + Math.floor(random() * 3)]);
				directTop = Math.max(directTop, seq);
				socket.serverSend(`d ${seq} ${session}:${seq}`);
			}
			else if (roll < 0.7) {
				const origin = pick(ORIGINS);
				const top = broadcastTop.get(origin);
				// Replays only of origins the client counts: others it has forgotten
				const choices = [top + 1, top + 2 + Math.floor(random() * 3)];
				if (expectedPositions.has(origin) && top > 0) {
					choices.push(Math.max(1, top - Math.floor(random() * 3)));
				}
				const position = pick(choices);
				broadcastTop.set(origin, Math.max(top, position));
				socket.serverSend(`b ${origin} ${position} ${origin}:${position} with  spaces`);
			}
			else if (roll < 0.76) {
				socket.serverSend(chance(0.5) ? 'c {"t":"gap","kind":"direct","reason":"overflow"}'
					: `c {"t":"gap","kind":"broadcast","reason":"history","origin":"${pick(ORIGINS)}"}`);
			}
			else if (roll < 0.8) {
				socket.serverSend(`c {"t":"token","token":"tok${Math.floor(random() * 1e6)}"}`);
			}
			else if (roll < 0.88) {
				socket.serverSend(garbage(random, pick));
			}
			else if (roll < 0.98) {
				socket.serverClose(pick([1001, 1006, 1011, 1012, 1013, 4000]));
			}
			else {
				socket.serverClose(pick([1000, 1003, 1008, 4001]));
			}
			return true;
		};

		// Check every event as it is raised, against what the client was told
		client.on('gap', (gap) => {
			if (gap.kind === 'direct') {
				directGap = true;
			}
			else {
				broadcastGaps.add(gap.origin);
			}
		});
		client.on('message', (text, meta) => {
			checked++;
			if (meta.kind === 'direct') {
				assert.equal(text, `${session}:${meta.seq}`);
				const last = deliveredSeq.get(session) ?? 0;
				assert.ok(meta.seq > last, `direct ${meta.seq} after ${last} in ${session} (seed ${seed})`);
				assert.ok(meta.seq > expectedSeq);
				if (meta.seq > expectedSeq + 1) {
					assert.ok(directGap, `no gap before direct ${meta.seq} after ${expectedSeq} (seed ${seed})`);
				}
				deliveredSeq.set(session, meta.seq);
				expectedSeq = meta.seq;
				directGap = false;
			}
			else {
				assert.equal(text, `${meta.origin}:${meta.position} with  spaces`);
				const last = deliveredPosition.get(meta.origin) ?? 0;
				assert.ok(meta.position > last, `broadcast ${meta.origin} ${meta.position} after ${last} (seed ${seed})`);
				const expected = expectedPositions.get(meta.origin);
				if (expected !== undefined) {
					assert.ok(meta.position > expected);
					if (meta.position > expected + 1) {
						assert.ok(broadcastGaps.has(meta.origin),
								`no gap before ${meta.origin} ${meta.position} after ${expected} (seed ${seed})`);
					}
				}
				deliveredPosition.set(meta.origin, meta.position);
				expectedPositions.set(meta.origin, meta.position);
				broadcastGaps.delete(meta.origin);
			}
		});

		for (let i = 0; i < STEPS && step(); i++) {
			// each step asserts as it goes
		}
		const errors = events.filter(([name]) => name === 'error').map(([, detail]) => detail.kind);
		assert.ok(errors.every((kind) => kind === 'malformed' || kind === 'listener'));
		return checked;
	}

	it(`holds its invariants on ${RUNS} seeded runs (seed ${SEED})`, () => {
		let delivered = 0;
		for (let i = 0; i < RUNS; i++) {
			FakeWebSocket.reset();
			timers = new ManualTimers();
			delivered += run(SEED + i);
		}
		// The generator must exercise delivery, not only errors and closes
		assert.ok(delivered > RUNS * 10, `only ${delivered} messages delivered`);
	});

});

describe('random sends, acks and reconnects', () => {

	const SEED = Number(process.env.SOCKETBOX_CLIENT_SEED ?? 20261201);
	const RUNS = 300;
	const STEPS = 150;

	/**
	 * One run against a server model that reads what the client writes (losing what it
	 * had not read when a connection drops), hands each numbered message above the
	 * session's last handled one to its application, acknowledges at most that, and
	 * welcomes a reconnect as a resume (with the session's last handled, or now and then
	 * less, as after a crash of a node that had acknowledged more) or as a new session.
	 */
	function run(seed) {
		const random = seededRandom(seed);
		const chance = (p) => random() < p;
		const below = (n) => Math.floor(random() * n);
		const maxUnacked = 1 + below(8);
		const { client, of } = connect({ random, maxUnacked });

		// Every text given to send() and taken, in order (each one unique)
		const given = [];
		// Every text any session's application received
		const handledEver = new Set();
		let sessions = 0;
		let session = null;
		// Per socket: its session, how many of its frames the server has read, and the
		// seq of its last m frame
		const sockets = new Map();
		let resends = 0;
		let acks = 0;

		const state = (socket) => {
			let known = sockets.get(socket);
			if (!known) {
				known = { session: null, read: 0, lastSeq: null, checked: 0 };
				sockets.set(socket, known);
			}
			return known;
		};

		/** Check the m frames a socket got since the last look: one seq after the other. */
		const look = (socket) => {
			const known = state(socket);
			for (; known.checked < socket.sent.length; known.checked++) {
				const frame = socket.sent[known.checked];
				if (!frame.startsWith('m ')) {
					assert.equal(known.checked, 0, `only the first frame is a control frame (seed ${seed})`);
					continue;
				}
				assert.notEqual(known.session, null, `an m frame before the welcome (seed ${seed})`);
				const match = /^m ([1-9][0-9]*) (.*)$/s.exec(frame);
				assert.ok(match, `m frame ${frame} (seed ${seed})`);
				const seq = Number(match[1]);
				assert.ok(known.lastSeq === null || seq === known.lastSeq + 1,
						`seq ${seq} after ${known.lastSeq} on one socket (seed ${seed})`);
				known.lastSeq = seq;
				const s = known.session;
				s.written = Math.max(s.written, seq);
				// A message written again keeps its number within a session
				const before = s.seqOf.get(match[2]);
				assert.ok(before === undefined || before === seq, `${match[2]} was ${before}, now ${seq} (seed ${seed})`);
				s.seqOf.set(match[2], seq);
			}
		};

		/** The server reads up to count frames of the current socket. */
		const read = (socket, count) => {
			look(socket);
			const known = state(socket);
			const s = known.session;
			for (let n = 0; n < count && known.read < socket.sent.length; n++, known.read++) {
				const frame = socket.sent[known.read];
				if (!frame.startsWith('m ')) {
					continue;
				}
				const space = frame.indexOf(' ', 2);
				const seq = Number(frame.slice(2, space));
				const text = frame.slice(space + 1);
				if (seq > s.handled) {
					s.handled = seq;
					s.log.push(text);
					handledEver.add(text);
				}
			}
		};

		/** What the client keeps: the last `unacknowledged` of what it was given. */
		const kept = () => given.slice(given.length - client.unacknowledged);

		const step = () => {
			const socket = FakeWebSocket.last();
			if (chance(0.3)) {
				const text = 'm' + given.length + (chance(0.2) ? '  with spaces ' : '');
				const taken = client.send(text);
				assert.equal(taken, client.state !== 'closed' && client.unacknowledged - (taken ? 1 : 0) < maxUnacked,
						`send() returned ${taken} with ${client.unacknowledged} kept (seed ${seed})`);
				if (taken) {
					given.push(text);
				}
				look(socket);
			}
			if (socket.readyState === FakeWebSocket.CLOSED || socket.closedWith !== null) {
				assert.equal(client.state, 'reconnecting');
				timers.runAll();
				return;
			}
			if (socket.readyState === FakeWebSocket.CONNECTING) {
				if (chance(0.1)) {
					socket.serverClose(1006);
				}
				else {
					socket.serverOpen();
				}
				return;
			}
			const known = state(socket);
			if (known.session === null) {
				const [hello] = socket.controls();
				const before = kept();
				let m = 0;
				const resumed = hello.t === 'resume' && chance(0.7);
				if (resumed) {
					// The session's last handled, or less after a crash of a node that had handled more
					if (chance(0.1) && session.handled > 0) {
						session.handled = below(session.handled + 1);
						session.lowered = true;
					}
					m = session.handled;
				}
				else {
					session = { id: 's' + ++sessions, handled: 0, written: 0, seqOf: new Map(), log: [], lowered: false };
				}
				known.session = session;
				const length = socket.sent.length;
				socket.serverSend(welcome({ session: session.id, token: 'tok' + sessions, resumed, m }));
				assert.equal(client.state, 'open');
				look(socket);
				const written = socket.sent.slice(length).map((frame) => {
					const space = frame.indexOf(' ', 2);
					return [Number(frame.slice(2, space)), frame.slice(space + 1)];
				});
				if (resumed) {
					// Exactly the kept ones above m, in order, each with the number it had
					const expected = before.filter((text) => !(session.seqOf.get(text) <= m));
					assert.deepEqual(written.map(([, text]) => text), expected, `resent after m ${m} (seed ${seed})`);
					assert.ok(written.length === 0 || written[0][0] > m, `resent from ${written[0]?.[0]} after m ${m} (seed ${seed})`);
					resends += written.length;
				}
				else {
					assert.deepEqual(written, before.map((text, i) => [i + 1, text]), `renumbered (seed ${seed})`);
				}
				assert.equal(client.unacknowledged, resumed ? written.length : before.length);
				return;
			}
			const roll = random();
			if (roll < 0.35) {
				read(socket, 1 + below(4));
			}
			else if (roll < 0.6) {
				// An ack of at most what the session handled, now and then less than an earlier one
				const m = chance(0.7) ? session.handled : below(session.handled + 1);
				socket.serverSend(`c {"t":"ack","m":${m}}`);
				acks++;
			}
			else if (roll < 0.75) {
				socket.serverClose(chance(0.5) ? 1006 : 1012);
			}
			else if (roll < 0.78) {
				// A server that acknowledges what was not written: the client closes and resumes
				socket.serverSend(`c {"t":"ack","m":${session.written + 1 + below(3)}}`);
				assert.equal(socket.closedWith?.code, 4002, `bad ack (seed ${seed})`);
			}
			// Whatever was dropped had reached an application; the rest is kept
			for (const text of given.slice(0, given.length - client.unacknowledged)) {
				assert.ok(handledEver.has(text), `${text} dropped unhandled (seed ${seed})`);
			}
		};

		for (let i = 0; i < STEPS; i++) {
			step();
		}
		// At last a clean resume: the server reads all and acknowledges all, and nothing is missing
		for (let i = 0; i < 10 && (client.state !== 'open' || state(FakeWebSocket.last()).session === null); i++) {
			const socket = FakeWebSocket.last();
			if (socket.readyState === FakeWebSocket.CONNECTING) {
				socket.serverOpen();
			}
			else if (socket.readyState === FakeWebSocket.OPEN && state(socket).session === null) {
				const [hello] = socket.controls();
				const resumed = hello.t === 'resume';
				if (!resumed) {
					session = { id: 's' + ++sessions, handled: 0, written: 0, seqOf: new Map(), log: [], lowered: false };
				}
				state(socket).session = session;
				socket.serverSend(welcome({ session: session.id, token: 'tok' + sessions, resumed, m: session.handled }));
			}
			else {
				timers.runAll();
			}
		}
		const socket = FakeWebSocket.last();
		read(socket, Infinity);
		socket.serverSend(`c {"t":"ack","m":${session.handled}}`);
		assert.equal(client.unacknowledged, 0, `all acknowledged at the end (seed ${seed})`);
		assert.deepEqual(given.filter((text) => !handledEver.has(text)), [], `lost (seed ${seed})`);
		// Within a session whose handled never went back, each message reached the application once
		for (const known of sockets.values()) {
			const s = known.session;
			if (s !== null && !s.lowered) {
				assert.equal(new Set(s.log).size, s.log.length, `twice in ${s.id} (seed ${seed})`);
			}
		}
		assert.ok(of('error').every(([, detail]) => detail.kind === 'malformed'));
		return { given: given.length, resends, acks };
	}

	it(`keeps every message until acknowledged on ${RUNS} seeded runs (seed ${SEED})`, () => {
		const totals = { given: 0, resends: 0, acks: 0 };
		for (let i = 0; i < RUNS; i++) {
			FakeWebSocket.reset();
			timers = new ManualTimers();
			const counts = run(SEED + i);
			for (const key of Object.keys(totals)) {
				totals[key] += counts[key];
			}
		}
		// The generator must exercise resends and acks, not only reconnects
		assert.ok(totals.given > RUNS * 10, `only ${totals.given} messages given`);
		assert.ok(totals.resends > RUNS, `only ${totals.resends} messages sent again`);
		assert.ok(totals.acks > RUNS * 5, `only ${totals.acks} acks`);
	});

});

/** A frame that is not valid: random bytes, or a valid frame cut or bent. */
function garbage(random, pick) {
	const valid = ['b n1 3 text', 'd 7 text', 'c {"t":"token","token":"x"}', 'c {"t":"gap","kind":"direct","reason":"r"}'];
	const frame = pick(valid);
	switch (Math.floor(random() * 6)) {
		case 0: {
			const length = Math.floor(random() * 20);
			return Array.from({ length }, () => String.fromCharCode(Math.floor(random() * 0x7f))).join('');
		}
		case 1:
			return frame.slice(0, 1 + Math.floor(random() * 3));
		case 2:
			return pick(['B', 'D', 'C', 'x', ' ']) + frame.slice(1);
		case 3:
			return pick(['b n1 # text', 'd # text']).replace('#', pick(['0', '-1', '01', 'x', '1e3', '', '1.0']));
		case 4:
			return 'c ' + pick(['{', '[]', 'null', '1', '{"t":"welcome"}', '{"t":"gap"}']);
		default:
			return new Uint8Array([98, 32, 110, 49]).buffer;
	}
}
