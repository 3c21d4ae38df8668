// A minimal RFC 6455 server on 127.0.0.1 for drive-client.test.mjs: it plays the
// SocketBox server by hand, so the client is tested on a real WebSocket implementation.

import { createHash } from 'node:crypto';
import { createServer } from 'node:http';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** One accepted connection: the text frames and the close the client sent, in order. */
class Connection {

	constructor(socket, protocol) {
		this.socket = socket;
		this.protocol = protocol;
		this.buffer = Buffer.alloc(0);
		this.received = [];
		this.waiters = [];
		socket.on('data', (chunk) => this.read(chunk));
		socket.on('close', () => this.deliver({ type: 'end' }));
		socket.on('error', () => {});
	}

	read(chunk) {
		this.buffer = Buffer.concat([this.buffer, chunk]);
		for (;;) {
			if (this.buffer.length < 2) {
				return;
			}
			const opcode = this.buffer[0] & 0x0f;
			let length = this.buffer[1] & 0x7f;
			let offset = 2;
			if (length === 126) {
				if (this.buffer.length < 4) {
					return;
				}
				length = this.buffer.readUInt16BE(2);
				offset = 4;
			}
			else if (length === 127) {
				if (this.buffer.length < 10) {
					return;
				}
				length = Number(this.buffer.readBigUInt64BE(2));
				offset = 10;
			}
			if (this.buffer.length < offset + 4 + length) {
				return;
			}
			const mask = this.buffer.subarray(offset, offset + 4);
			const payload = Buffer.from(this.buffer.subarray(offset + 4, offset + 4 + length));
			for (let i = 0; i < payload.length; i++) {
				payload[i] ^= mask[i % 4];
			}
			this.buffer = this.buffer.subarray(offset + 4 + length);
			if (opcode === 1) {
				this.deliver({ type: 'text', text: payload.toString('utf8') });
			}
			else if (opcode === 8) {
				const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
				this.deliver({ type: 'close', code, reason: payload.subarray(2).toString('utf8') });
				this.close(code);
			}
		}
	}

	deliver(frame) {
		const waiter = this.waiters.shift();
		if (waiter) {
			waiter(frame);
		}
		else {
			this.received.push(frame);
		}
	}

	/** The next thing the client sent: {type:'text',text}, {type:'close',code,reason} or {type:'end'}. */
	next() {
		if (this.received.length > 0) {
			return Promise.resolve(this.received.shift());
		}
		return new Promise((resolve) => this.waiters.push(resolve));
	}

	send(text) {
		this.write(0x1, Buffer.from(text, 'utf8'));
	}

	close(code, reason = '') {
		const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
		payload.writeUInt16BE(code, 0);
		payload.write(reason, 2);
		this.write(0x8, payload);
		this.socket.end();
	}

	/** Break the TCP connection without a close frame (the client sees 1006). */
	drop() {
		this.socket.destroy();
	}

	write(opcode, payload) {
		if (this.socket.destroyed || !this.socket.writable) {
			return;
		}
		let header;
		if (payload.length < 126) {
			header = Buffer.from([0x80 | opcode, payload.length]);
		}
		else if (payload.length < 65536) {
			header = Buffer.alloc(4);
			header[0] = 0x80 | opcode;
			header[1] = 126;
			header.writeUInt16BE(payload.length, 2);
		}
		else {
			header = Buffer.alloc(10);
			header[0] = 0x80 | opcode;
			header[1] = 127;
			header.writeBigUInt64BE(BigInt(payload.length), 2);
		}
		this.socket.write(Buffer.concat([header, payload]));
	}

}

/**
 * Start a server; resolves to {url, accept(), close()}: accept() resolves to the next
 * connection. It selects the subprotocol socketbox.v1 when the client offers it.
 */
export function startServer() {
	const connections = [];
	const waiters = [];
	const server = createServer((request, response) => {
		response.writeHead(426).end();
	});
	const sockets = new Set();
	server.on('upgrade', (request, socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		const key = request.headers['sec-websocket-key'];
		const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
		const protocol = offered.includes('socketbox.v1') ? 'socketbox.v1' : null;
		const accept = createHash('sha1').update(key + GUID).digest('base64');
		socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
			+ `Sec-WebSocket-Accept: ${accept}\r\n`
			+ (protocol ? `Sec-WebSocket-Protocol: ${protocol}\r\n` : '') + '\r\n');
		const connection = new Connection(socket, protocol);
		const waiter = waiters.shift();
		if (waiter) {
			waiter(connection);
		}
		else {
			connections.push(connection);
		}
	});
	return new Promise((resolve) => {
		server.listen(0, '127.0.0.1', () => {
			resolve({
				url: `ws://127.0.0.1:${server.address().port}/ws`,
				accept: () => (connections.length > 0) ? Promise.resolve(connections.shift())
					: new Promise((resolveConnection) => waiters.push(resolveConnection)),
				close: () => new Promise((resolveClose) => {
					sockets.forEach((socket) => socket.destroy());
					server.close(resolveClose);
				}),
			});
		});
	});
}
