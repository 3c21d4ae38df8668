// Test doubles for client.test.mjs: a WebSocket whose server side the test drives, a
// timer queue the test fires by hand, and a small server that speaks docs/sessions.md.

/**
 * A WebSocket in the shape of the WHATWG API. The test plays the server through
 * serverOpen(), serverSend() and serverClose(); what the client sends is kept in sent.
 */
export class FakeWebSocket {

	static CONNECTING = 0;

	static OPEN = 1;

	static CLOSING = 2;

	static CLOSED = 3;

	constructor(url, protocols) {
		this.url = url;
		this.protocols = protocols;
		this.readyState = FakeWebSocket.CONNECTING;
		this.sent = [];
		this.closedWith = null;
		this.onopen = null;
		this.onmessage = null;
		this.onclose = null;
		this.onerror = null;
		FakeWebSocket.created.push(this);
	}

	send(data) {
		if (this.readyState === FakeWebSocket.CONNECTING) {
			throw new Error('InvalidStateError: still connecting');
		}
		if (this.readyState === FakeWebSocket.OPEN) {
			this.sent.push(data);
		}
	}

	close(code, reason) {
		// The WebSocket API lets a page close with 1000 or 3000-4999 only
		if (code !== undefined && code !== 1000 && (code < 3000 || code > 4999)) {
			throw new Error('InvalidAccessError: close code ' + code);
		}
		if (this.closedWith === null) {
			this.closedWith = { code, reason };
		}
		if (this.readyState < FakeWebSocket.CLOSING) {
			this.readyState = FakeWebSocket.CLOSING;
		}
	}

	serverOpen() {
		this.readyState = FakeWebSocket.OPEN;
		this.onopen?.({ type: 'open' });
	}

	serverSend(data) {
		this.onmessage?.({ type: 'message', data });
	}

	serverClose(code, reason = '') {
		this.readyState = FakeWebSocket.CLOSED;
		this.onerror?.({ type: 'error' });
		this.onclose?.({ type: 'close', code, reason, wasClean: code !== 1006 });
	}

	/** The client's control frames, parsed. */
	controls() {
		return this.sent.filter((frame) => frame.startsWith('c ')).map((frame) => JSON.parse(frame.slice(2)));
	}

	static reset() {
		FakeWebSocket.created = [];
	}

	static last() {
		return FakeWebSocket.created[FakeWebSocket.created.length - 1];
	}

}

FakeWebSocket.created = [];

/**
 * setTimeout/clearTimeout replacements that only run when the test says so.
 */
export class ManualTimers {

	constructor() {
		this.pending = new Map();
		this.nextId = 1;
		this.setTimeout = (fn, ms) => {
			const id = this.nextId++;
			this.pending.set(id, { fn, ms });
			return id;
		};
		this.clearTimeout = (id) => {
			this.pending.delete(id);
		};
	}

	get size() {
		return this.pending.size;
	}

	/** The delays of the pending timers. */
	delays() {
		return [...this.pending.values()].map((timer) => timer.ms);
	}

	/** Run every pending timer once. */
	runAll() {
		const timers = [...this.pending.entries()];
		this.pending.clear();
		for (const [, timer] of timers) {
			timer.fn();
		}
	}

}

/**
 * A server-side model of docs/sessions.md for one node, enough to test resumes: it keeps
 * sessions (by token), their direct messages and every origin's broadcasts.
 */
export class FakeServer {

	constructor() {
		this.sessions = new Map();
		this.broadcasts = new Map();
		this.nextSession = 1;
		this.connections = new Set();
	}

	/** Answer the client's first frame on socket (already open) as the server would. */
	accept(socket) {
		const [hello] = socket.controls();
		let session = null;
		if (hello.t === 'resume') {
			session = [...this.sessions.values()].find((candidate) => candidate.token === hello.token) ?? null;
		}
		const resumed = session !== null;
		if (!resumed) {
			session = { id: 's' + this.nextSession++, token: null, directs: [], socket: null };
			this.sessions.set(session.id, session);
		}
		session.token = session.id + '.token.' + Date.now() + '.' + Math.random().toString(36).slice(2);
		session.socket = socket;
		const b = {};
		for (const [origin, history] of this.broadcasts) {
			b[origin] = (hello.t === 'resume' && hello.b[origin] !== undefined)
				? Math.min(hello.b[origin], history.length) : history.length;
		}
		socket.serverSend('c ' + JSON.stringify({ t: 'welcome', session: session.id, token: session.token, resumed, b }));
		if (hello.t === 'resume' && !resumed) {
			socket.serverSend('c {"t":"gap","kind":"direct","reason":"expired"}');
		}
		const after = resumed ? hello.d : 0;
		session.directs.filter((direct) => direct.seq > after)
			.forEach((direct) => socket.serverSend(`d ${direct.seq} ${direct.text}`));
		for (const [origin, history] of this.broadcasts) {
			history.slice(b[origin]).forEach((text, i) => socket.serverSend(`b ${origin} ${b[origin] + i + 1} ${text}`));
		}
		return session;
	}

	direct(session, text) {
		const seq = session.directs.length + 1;
		session.directs.push({ seq, text });
		if (session.socket?.readyState === FakeWebSocket.OPEN) {
			session.socket.serverSend(`d ${seq} ${text}`);
		}
	}

	broadcast(origin, text, sockets) {
		const history = this.broadcasts.get(origin) ?? [];
		this.broadcasts.set(origin, history);
		history.push(text);
		for (const socket of sockets) {
			if (socket.readyState === FakeWebSocket.OPEN) {
				socket.serverSend(`b ${origin} ${history.length} ${text}`);
			}
		}
	}

}

/**
 * A seeded generator (mulberry32), so a failing run can be repeated from its seed.
 */
export function seededRandom(seed) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
