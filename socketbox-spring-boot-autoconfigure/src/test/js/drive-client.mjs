// Drive client.js from another process (a Java test, a shell):
//
//   node --experimental-websocket drive-client.mjs ws://127.0.0.1:8080/ws [--initial-delay=ms] [--max-delay=ms]
//
// (Node.js 22 and later have a global WebSocket without the flag.) Prints one JSON
// object per line on stdout for each event of the client:
//   {"event":"open","session":"..","resumed":false,"state":"open"}
//   {"event":"message","text":"..","meta":{"kind":"direct","seq":1},"state":"open"}
//   {"event":"gap"|"resumed"|"close"|"reconnecting"|"error", ...the event's fields, "state":".."}
// and reads commands, one a line, on stdin:
//   send <text>     prints {"event":"sent","text":"<text>","result":true|false}
//                   (true: numbered and kept until the server acknowledges it)
//   unacknowledged  prints {"event":"unacknowledged","count":<messages the server has not acknowledged>}
//   close           closes the client with 1000, prints its close event and exits
// The end of stdin closes the client as `close` does. Exit status 0, or 2 on bad usage.

import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const require = createRequire(import.meta.url);
const SocketBox = require('../../main/resources/io/socketbox/spring/client/client.js');

const [url, ...flags] = process.argv.slice(2);
const options = {};
for (const flag of flags) {
	const match = /^--(initial-delay|max-delay)=(\d+)$/.exec(flag);
	if (!match) {
		usage(`unknown option ${flag}`);
	}
	options[match[1] === 'initial-delay' ? 'initialDelay' : 'maxDelay'] = Number(match[2]);
}
if (!url || !/^wss?:\/\//.test(url)) {
	usage('a ws:// or wss:// URL is required');
}
if (typeof WebSocket === 'undefined') {
	usage('this Node.js has no global WebSocket: run it with --experimental-websocket (Node.js 20 and 21)');
}

function usage(problem) {
	process.stderr.write(`drive-client: ${problem}\n`
		+ 'usage: node --experimental-websocket drive-client.mjs <ws-url> [--initial-delay=ms] [--max-delay=ms]\n');
	process.exit(2);
}

function print(event, fields) {
	process.stdout.write(JSON.stringify({ event, ...fields, state: client.state }) + '\n');
}

const client = SocketBox.connect(url, { WebSocket, ...options });
client.on('open', (detail) => print('open', detail));
client.on('resumed', (detail) => print('resumed', detail));
client.on('gap', (detail) => print('gap', detail));
client.on('reconnecting', (detail) => print('reconnecting', detail));
client.on('message', (text, meta) => print('message', { text, meta }));
client.on('error', (detail) => print('error', {
	kind: detail.kind,
	message: detail.message ?? String(detail.error),
	frame: typeof detail.frame === 'string' ? detail.frame : undefined,
}));
client.on('close', (detail) => {
	print('close', detail);
	if (client.state === 'closed') {
		finish();
	}
});

const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
input.on('line', (line) => {
	if (line.startsWith('send ')) {
		const text = line.slice(5);
		print('sent', { text, result: client.send(text) });
	}
	else if (line === 'unacknowledged') {
		print('unacknowledged', { count: client.unacknowledged });
	}
	else if (line === 'close') {
		client.close();
	}
	else if (line.trim() !== '') {
		print('error', { kind: 'command', message: `unknown command: ${line}` });
	}
});
input.on('close', () => client.close());

let finishing = false;

function finish() {
	if (!finishing) {
		finishing = true;
		input.close();
		// Let the close frame leave and stdout drain before the process ends
		process.stdout.write('', () => setTimeout(() => process.exit(0), 100));
	}
}
