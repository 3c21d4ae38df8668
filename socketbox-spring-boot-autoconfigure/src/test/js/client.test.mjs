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

	it('hands a message to a welcomed socket only', () => {
		const { client } = connect();
		const socket = FakeWebSocket.last();
		assert.equal(client.send('early'), false, 'connecting');
		socket.serverOpen();
		assert.equal(client.send('early'), false, 'open but not welcomed');
		socket.serverSend(welcome({}));
		assert.equal(client.send('hi there'), true);
		assert.equal(client.send(''), true);
		assert.deepEqual(socket.sent, ['c {"t":"hello"}', 'a hi there', 'a ']);
		socket.serverClose(1006);
		assert.equal(client.send('away'), false, 'reconnecting');
		timers.runAll();
		FakeWebSocket.last().serverOpen();
		assert.equal(client.send('away'), false, 'reconnected, not yet welcomed');
		FakeWebSocket.last().serverSend(welcome({ resumed: true }));
		assert.equal(client.send('back'), true);
		client.close();
		assert.equal(client.send('gone'), false, 'closed');
		assert.deepEqual(FakeWebSocket.last().sent.filter((frame) => frame.startsWith('a ')), ['a back']);
	});

	it('returns false when the socket is closing', () => {
		const { client } = connect();
		const socket = welcomeLatest({});
		socket.readyState = FakeWebSocket.CLOSING;
		assert.equal(client.send('x'), false);
	});

	it('refuses what is not a string', () => {
		const { client } = connect();
		welcomeLatest({});
		assert.throws(() => client.send({ text: 'x' }), TypeError);
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
