/*
 * SocketBox client: a WebSocket session that survives reconnects (docs/sessions.md).
 *
 * One file, no dependencies, no build step. In a browser it defines the global
 * `SocketBox` (also when loaded with <script type="module">); in Node.js it is a
 * CommonJS module (from an ES module: createRequire(import.meta.url)('./client.js')).
 * Node.js 20 has no global WebSocket unless started with --experimental-websocket;
 * any WHATWG-style WebSocket constructor can be passed as the `WebSocket` option.
 *
 *   const client = SocketBox.connect('wss://example.com/ws');
 *   client.on('message', (text, meta) => { ... });
 *   client.send('hello'); // true: numbered, kept until the server acknowledges it
 *   client.unacknowledged; // how many sent messages the server has not acknowledged
 *
 * send() numbers each message per session (`m <seq> <text>`) and keeps it until the
 * server acknowledges it; a message given while the client is connecting or
 * reconnecting waits and goes after the next welcome, and whatever the server has not
 * acknowledged goes again, in order, after a reconnect. The application on the server
 * gets each message once on a resumed session, at least once if the session was lost
 * (the kept messages go again, numbered from 1, on the new session). send() returns
 * false, keeping nothing, when the client has closed or when `maxUnacked` messages
 * (option, default 1000) already wait for an acknowledgement.
 */
(function (root, factory) {
	'use strict';
	if (typeof module === 'object' && module !== null && module.exports) {
		module.exports = factory();
	}
	else {
		root.SocketBox = factory();
	}
}(typeof globalThis !== 'undefined' ? globalThis : this, function () {
	'use strict';

	var SUBPROTOCOL = 'socketbox.v1';
	var ORIGIN = /^[0-9a-z]+$/;
	var NUMBER = /^[1-9][0-9]{0,15}$/;
	var EVENTS = ['open', 'message', 'resumed', 'gap', 'close', 'reconnecting', 'error'];

	// Closes after which the client stops: the application ended the session (1000),
	// the server found a protocol error (1003, 1008), the session moved to a newer
	// connection (4001)
	var FINAL_CODES = { 1000: true, 1003: true, 1008: true, 4001: true };

	// The code the client closes with after a malformed frame from the server. The
	// WebSocket API lets a page close only with 1000 or 3000-4999 (so not 1002), and
	// 1000 would end the session: an application code leaves the session to resume.
	var MALFORMED_FRAME_CLOSE = 4002;

	// How many sent messages the client keeps, unacknowledged, unless told otherwise
	var DEFAULT_MAX_UNACKED = 1000;

	function MalformedFrame(message) {
		this.message = message;
	}

	function positiveNumber(text) {
		if (!NUMBER.test(text)) {
			return -1;
		}
		var value = Number(text);
		return (value <= Number.MAX_SAFE_INTEGER) ? value : -1;
	}

	function isCount(value) {
		return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
	}

	/**
	 * Split "<field> <field> <text>" after `count` fields, each ending at the next space;
	 * the text is the rest, spaces and all, and may be empty.
	 */
	function fields(frame, count) {
		var parts = [];
		var start = 2;
		for (var i = 0; i < count; i++) {
			var space = frame.indexOf(' ', start);
			if (space < 0) {
				throw new MalformedFrame('too few fields');
			}
			parts.push(frame.slice(start, space));
			start = space + 1;
		}
		parts.push(frame.slice(start));
		return parts;
	}

	/**
	 * Parse one server frame into {type, ...}; throws MalformedFrame.
	 */
	function parse(frame) {
		if (typeof frame !== 'string') {
			throw new MalformedFrame('not a text frame');
		}
		if (frame.length < 2 || frame.charAt(1) !== ' ') {
			throw new MalformedFrame('no frame kind');
		}
		var kind = frame.charAt(0);
		var parts;
		if (kind === 'b') {
			parts = fields(frame, 2);
			var position = positiveNumber(parts[1]);
			if (!ORIGIN.test(parts[0]) || position < 0) {
				throw new MalformedFrame('bad broadcast header');
			}
			return { type: 'b', origin: parts[0], position: position, text: parts[2] };
		}
		if (kind === 'd') {
			parts = fields(frame, 1);
			var seq = positiveNumber(parts[0]);
			if (seq < 0) {
				throw new MalformedFrame('bad direct seq');
			}
			return { type: 'd', seq: seq, text: parts[1] };
		}
		if (kind === 'c') {
			return parseControl(frame.slice(2));
		}
		throw new MalformedFrame('unknown frame kind');
	}

	function parseControl(json) {
		var message;
		try {
			message = JSON.parse(json);
		}
		catch (ex) {
			throw new MalformedFrame('control message is not JSON');
		}
		if (message === null || typeof message !== 'object' || Array.isArray(message)
				|| typeof message.t !== 'string') {
			throw new MalformedFrame('control message without a type');
		}
		if (message.t === 'welcome') {
			if (typeof message.session !== 'string' || typeof message.token !== 'string' || message.token === ''
					|| typeof message.resumed !== 'boolean' || message.b === null || typeof message.b !== 'object'
					|| Array.isArray(message.b)) {
				throw new MalformedFrame('bad welcome');
			}
			var positions = new Map();
			Object.keys(message.b).forEach(function (origin) {
				var position = message.b[origin];
				if (!ORIGIN.test(origin) || !isCount(position)) {
					throw new MalformedFrame('bad welcome position');
				}
				positions.set(origin, position);
			});
			// A server older than numbered messages sends no `m`: it has handled none of them
			if (message.m !== undefined && !isCount(message.m)) {
				throw new MalformedFrame('bad welcome m');
			}
			return { type: 'welcome', session: message.session, token: message.token, resumed: message.resumed,
				handled: (message.m !== undefined) ? message.m : 0, positions: positions };
		}
		if (message.t === 'ack') {
			if (!isCount(message.m)) {
				throw new MalformedFrame('bad ack');
			}
			return { type: 'ack', handled: message.m };
		}
		if (message.t === 'token') {
			if (typeof message.token !== 'string' || message.token === '') {
				throw new MalformedFrame('bad token');
			}
			return { type: 'token', token: message.token };
		}
		if (message.t === 'gap') {
			if (typeof message.reason !== 'string') {
				throw new MalformedFrame('bad gap');
			}
			if (message.kind === 'direct') {
				return { type: 'gap', kind: 'direct', reason: message.reason };
			}
			if (message.kind === 'broadcast' && typeof message.origin === 'string' && ORIGIN.test(message.origin)) {
				return { type: 'gap', kind: 'broadcast', reason: message.reason, origin: message.origin };
			}
			throw new MalformedFrame('bad gap');
		}
		// A control message of a later protocol revision: not an error
		return { type: 'ignored' };
	}

	function SocketBoxClient(url, options) {
		options = options || {};
		this._url = url;
		this._WebSocket = options.WebSocket || (typeof WebSocket !== 'undefined' ? WebSocket : undefined);
		if (typeof this._WebSocket !== 'function') {
			throw new TypeError('SocketBox: no WebSocket implementation; pass one as the WebSocket option');
		}
		this._initialDelay = (options.initialDelay != null) ? options.initialDelay : 250;
		this._maxDelay = (options.maxDelay != null) ? options.maxDelay : 10000;
		this._random = options.random || Math.random;
		this._maxUnacked = (options.maxUnacked != null) ? options.maxUnacked : DEFAULT_MAX_UNACKED;
		if (typeof this._maxUnacked !== 'number' || !Number.isSafeInteger(this._maxUnacked) || this._maxUnacked < 1) {
			throw new RangeError('SocketBox: maxUnacked must be a positive integer');
		}
		// For tests: timers to schedule reconnects with
		this._setTimeout = options.setTimeout || function (fn, ms) {
			return setTimeout(fn, ms);
		};
		this._clearTimeout = options.clearTimeout || function (id) {
			clearTimeout(id);
		};
		this._listeners = {};
		this._socket = null;
		this._welcomed = false;
		this._timer = null;
		this._attempt = 0;
		this._token = null;
		this._lastSeq = 0;
		this._positions = new Map();
		// Gaps the server announced: the next frame of that stream may skip without a
		// second gap event
		this._directGapAnnounced = false;
		this._broadcastGapsAnnounced = new Set();
		// The client's messages on this session: the last seq given to one, the highest
		// seq written to a socket (an ack or welcome above it is malformed), the last seq
		// written to the current socket (those above it are written after the next
		// welcome), and those not acknowledged yet, {seq, text}, in order of seq (the seqs
		// follow each other)
		this._givenSeq = 0;
		this._sentSeq = 0;
		this._cursor = 0;
		this._kept = [];
		this.session = null;
		this.state = 'connecting';
		this._open();
	}

	SocketBoxClient.prototype.on = function (event, listener) {
		if (typeof listener !== 'function') {
			throw new TypeError('SocketBox: a listener must be a function');
		}
		(this._listeners[event] || (this._listeners[event] = [])).push(listener);
		return this;
	};

	SocketBoxClient.prototype.off = function (event, listener) {
		var listeners = this._listeners[event];
		if (listeners) {
			var index = listeners.indexOf(listener);
			if (index >= 0) {
				listeners.splice(index, 1);
			}
		}
		return this;
	};

	/**
	 * Send an application message: number it, keep it until the server acknowledges it,
	 * and write it now if the connection is open and welcomed, else after the next
	 * welcome. Returns true if it was kept; false if the client has closed or
	 * `maxUnacked` messages already wait for an acknowledgement (nothing is kept).
	 */
	SocketBoxClient.prototype.send = function (text) {
		if (typeof text !== 'string') {
			throw new TypeError('SocketBox: send() takes a string');
		}
		if (this.state === 'closed' || this._kept.length >= this._maxUnacked) {
			return false;
		}
		this._givenSeq++;
		this._kept.push({ seq: this._givenSeq, text: text });
		this._flush();
		return true;
	};

	/**
	 * The number of messages given to send() that the server has not acknowledged.
	 */
	Object.defineProperty(SocketBoxClient.prototype, 'unacknowledged', {
		get: function () {
			return this._kept.length;
		}
	});

	/**
	 * Write the kept messages above the cursor to the current socket, in order, if it is
	 * open and welcomed.
	 */
	SocketBoxClient.prototype._flush = function () {
		var socket = this._socket;
		if (!this._welcomed || socket === null || socket.readyState !== 1) {
			return;
		}
		// The seqs of the kept messages follow each other up to the last given, so those
		// above the cursor are the last ones. After a resume the cursor may be below the
		// first kept: a node that acknowledged messages crashed before its home learned of
		// them, and those are not sent again (handled at least once).
		var start = Math.max(0, this._kept.length - (this._givenSeq - this._cursor));
		for (var i = start; i < this._kept.length; i++) {
			var message = this._kept[i];
			try {
				socket.send('m ' + message.seq + ' ' + message.text);
			}
			catch (error) {
				// The socket closed in between: its close event follows, and the rest goes
				// after the next welcome
				return;
			}
			this._cursor = message.seq;
			if (message.seq > this._sentSeq) {
				this._sentSeq = message.seq;
			}
		}
	};

	/**
	 * Drop the kept messages up to `handled`, which the server has handed to the application.
	 */
	SocketBoxClient.prototype._acknowledged = function (handled) {
		var count = 0;
		while (count < this._kept.length && this._kept[count].seq <= handled) {
			count++;
		}
		if (count > 0) {
			this._kept.splice(0, count);
		}
	};

	/**
	 * Close with 1000, which ends the session on the server, and stop reconnecting.
	 */
	SocketBoxClient.prototype.close = function () {
		if (this.state === 'closed') {
			return;
		}
		this._cancelTimer();
		this._detach(1000, '');
		this.state = 'closed';
		this._emit('close', { code: 1000, reason: '', willReconnect: false });
	};

	SocketBoxClient.prototype._emit = function (event) {
		var listeners = this._listeners[event];
		if (!listeners || listeners.length === 0) {
			return;
		}
		var args = Array.prototype.slice.call(arguments, 1);
		listeners.slice().forEach(function (listener) {
			try {
				listener.apply(null, args);
			}
			catch (error) {
				this._report({ kind: 'listener', event: event, error: error }, event);
			}
		}, this);
	};

	/**
	 * Raise an 'error' event; without a listener, or if one throws, to the console.
	 */
	SocketBoxClient.prototype._report = function (detail, event) {
		var listeners = this._listeners.error;
		if (event === 'error' || !listeners || listeners.length === 0) {
			if (typeof console !== 'undefined') {
				console.error('SocketBox:', detail.kind === 'listener' ? detail.error : detail);
			}
			return;
		}
		this._emit('error', detail);
	};

	SocketBoxClient.prototype._open = function () {
		var socket;
		try {
			socket = new this._WebSocket(this._url, SUBPROTOCOL);
		}
		catch (error) {
			if (this._token === null && this._attempt === 0 && this.state === 'connecting') {
				// A bad URL on the first connect is the caller's mistake: let connect() throw
				throw error;
			}
			this._report({ kind: 'socket', error: error });
			this._dropped(1006, 'could not open the socket');
			return;
		}
		var client = this;
		this._socket = socket;
		this._welcomed = false;
		socket.onopen = function () {
			if (client._socket === socket) {
				client._hello(socket);
			}
		};
		socket.onmessage = function (event) {
			if (client._socket === socket) {
				client._frame(event.data);
			}
		};
		socket.onclose = function (event) {
			if (client._socket === socket) {
				client._socket = null;
				client._dropped(event.code, event.reason);
			}
		};
		socket.onerror = function () {
			// A close event follows, and says how the connection ended
		};
	};

	SocketBoxClient.prototype._hello = function (socket) {
		var frame;
		if (this._token === null) {
			frame = 'c {"t":"hello"}';
		}
		else {
			var positions = {};
			this._positions.forEach(function (position, origin) {
				positions[origin] = position;
			});
			frame = 'c ' + JSON.stringify({ t: 'resume', token: this._token, d: this._lastSeq, b: positions });
		}
		try {
			socket.send(frame);
		}
		catch (error) {
			// The socket closed in between: its close event follows
		}
	};

	SocketBoxClient.prototype._frame = function (data) {
		var frame;
		try {
			frame = parse(data);
			if (!this._welcomed && frame.type !== 'welcome') {
				throw new MalformedFrame('frame before welcome');
			}
			if (this._welcomed && frame.type === 'welcome') {
				throw new MalformedFrame('second welcome');
			}
			// The server can have handled only what this client wrote on this session (none on
			// a new one)
			if (frame.type === 'ack' && frame.handled > this._sentSeq) {
				throw new MalformedFrame('ack of a message not sent');
			}
			if (frame.type === 'welcome' && frame.handled > (frame.resumed ? this._sentSeq : 0)) {
				throw new MalformedFrame('welcome acknowledges a message not sent');
			}
		}
		catch (error) {
			if (!(error instanceof MalformedFrame)) {
				throw error;
			}
			this._malformed(data, error.message);
			return;
		}
		switch (frame.type) {
			case 'welcome':
				this._welcome(frame);
				break;
			case 'token':
				this._token = frame.token;
				break;
			case 'ack':
				this._acknowledged(frame.handled);
				break;
			case 'gap':
				this._gap(frame);
				break;
			case 'd':
				this._direct(frame);
				break;
			case 'b':
				this._broadcast(frame);
				break;
			default:
				break;
		}
	};

	SocketBoxClient.prototype._welcome = function (frame) {
		this._welcomed = true;
		this._attempt = 0;
		this._token = frame.token;
		this._positions = frame.positions;
		this._broadcastGapsAnnounced.clear();
		this._directGapAnnounced = false;
		if (frame.resumed) {
			// Write again, in order, what the session has not handled
			this._acknowledged(frame.handled);
			this._cursor = frame.handled;
		}
		else {
			this._lastSeq = 0;
			// A new session: what the old one may have handled goes again, numbered from 1
			for (var i = 0; i < this._kept.length; i++) {
				this._kept[i].seq = i + 1;
			}
			this._givenSeq = this._kept.length;
			this._sentSeq = 0;
			this._cursor = 0;
		}
		this.session = frame.session;
		this.state = 'open';
		// Before the listeners, so that what they send goes after
		this._flush();
		this._emit('open', { session: frame.session, resumed: frame.resumed });
		if (frame.resumed && this._socket !== null) {
			this._emit('resumed', { session: frame.session });
		}
	};

	SocketBoxClient.prototype._gap = function (frame) {
		if (frame.kind === 'direct') {
			this._directGapAnnounced = true;
			this._emit('gap', { kind: 'direct', reason: frame.reason });
		}
		else {
			this._broadcastGapsAnnounced.add(frame.origin);
			this._emit('gap', { kind: 'broadcast', reason: frame.reason, origin: frame.origin });
		}
	};

	SocketBoxClient.prototype._direct = function (frame) {
		if (frame.seq <= this._lastSeq) {
			return;
		}
		var skipped = frame.seq > this._lastSeq + 1 && !this._directGapAnnounced;
		this._lastSeq = frame.seq;
		this._directGapAnnounced = false;
		if (skipped) {
			this._emit('gap', { kind: 'direct', reason: 'skipped' });
		}
		if (this._socket !== null) {
			this._emit('message', frame.text, { kind: 'direct', seq: frame.seq });
		}
	};

	SocketBoxClient.prototype._broadcast = function (frame) {
		var last = this._positions.get(frame.origin);
		if (last !== undefined && frame.position <= last) {
			return;
		}
		// An origin the welcome did not list is new to this client: a first broadcast
		// from it above 1 means the node it is connected to did not have the earlier ones
		// (it was linked to that origin late), which this client may have been owed
		var skipped = frame.position > (last === undefined ? 0 : last) + 1
				&& !this._broadcastGapsAnnounced.has(frame.origin);
		this._positions.set(frame.origin, frame.position);
		this._broadcastGapsAnnounced.delete(frame.origin);
		if (skipped) {
			this._emit('gap', { kind: 'broadcast', reason: 'skipped', origin: frame.origin });
		}
		if (this._socket !== null) {
			this._emit('message', frame.text, { kind: 'broadcast', origin: frame.origin, position: frame.position });
		}
	};

	SocketBoxClient.prototype._malformed = function (data, message) {
		this._report({ kind: 'malformed', frame: data, message: message });
		if (this._socket === null || this.state === 'closed') {
			return;
		}
		this._detach(MALFORMED_FRAME_CLOSE, 'malformed frame');
		this._dropped(MALFORMED_FRAME_CLOSE, 'malformed frame');
	};

	/**
	 * Stop listening to the current socket and close it; its events are ignored from now.
	 */
	SocketBoxClient.prototype._detach = function (code, reason) {
		var socket = this._socket;
		this._socket = null;
		if (socket === null) {
			return;
		}
		socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
		try {
			socket.close(code, reason);
		}
		catch (error) {
			// Already closed, or an implementation that refuses the code: nothing to undo
		}
	};

	/**
	 * The current socket closed (or was given up): end or schedule a reconnect.
	 */
	SocketBoxClient.prototype._dropped = function (code, reason) {
		if (this.state === 'closed') {
			return;
		}
		var willReconnect = !FINAL_CODES[code];
		this._welcomed = false;
		this.state = willReconnect ? 'reconnecting' : 'closed';
		this._emit('close', { code: code, reason: reason || '', willReconnect: willReconnect });
		if (willReconnect && this.state === 'reconnecting' && this._timer === null && this._socket === null) {
			this._scheduleReconnect();
		}
	};

	SocketBoxClient.prototype._scheduleReconnect = function () {
		var cap = Math.min(this._maxDelay, this._initialDelay * Math.pow(2, this._attempt));
		var random = Number(this._random());
		if (!(random >= 0)) {
			random = 0;
		}
		else if (random >= 1) {
			random = 1;
		}
		var delay = Math.floor(random * cap);
		this._attempt++;
		var client = this;
		this._timer = this._setTimeout(function () {
			client._timer = null;
			if (client.state === 'reconnecting' && client._socket === null) {
				client._open();
			}
		}, delay);
		this._emit('reconnecting', { attempt: this._attempt, delay: delay });
	};

	SocketBoxClient.prototype._cancelTimer = function () {
		if (this._timer !== null) {
			this._clearTimeout(this._timer);
			this._timer = null;
		}
	};

	return {
		/**
		 * Open a session connection to `url` (ws: or wss:). Options: WebSocket (a
		 * constructor, default globalThis.WebSocket), initialDelay (ms, default 250),
		 * maxDelay (ms, default 10000), random (default Math.random), maxUnacked (how
		 * many sent messages the client keeps until the server acknowledges them, default
		 * 1000: send() returns false beyond). The client's `unacknowledged` property says
		 * how many it keeps; `state` is 'connecting', 'open', 'reconnecting' or 'closed',
		 * `session` the session id from the last welcome.
		 */
		connect: function (url, options) {
			return new SocketBoxClient(url, options);
		},
		SUBPROTOCOL: SUBPROTOCOL
	};
}));
