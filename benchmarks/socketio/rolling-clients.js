// The clients of the rolling-restart benchmark (scenario 11): N clients through the load
// balancer, each recording every (sender, number) it receives (rolling-tally.js).
//
//   node --experimental-websocket rolling-clients.js --transport socketio|socketbox --url URL
//        [--clients 100] [--first 0] [--client-module PATH] [--quiet-ms 2000]
//
// Clients c<first> ... c<first+N-1> (the benchmark runs several processes, each with its
// own names); those the nodes send to (c0 ... c9 by default) also receive messages to them
// alone.
// Transports:
// - socketio: socket.io-client 4 (WebSocket only, default reconnection), the name in the
//   handshake's auth; connection state recovery is the server's (rolling-server.js).
//   URL: http://host:port
// - socketbox: SocketBox.connect(url, {WebSocket}) from client.js (--client-module, default
//   the library's resource); sends "register <name>" on every open that did not resume
//   the session, and expects the application texts "b <sender> <n>" and "d <sender> <n>".
//   URL: ws://host:port/path
//
// Talks to the benchmark on stdin/stdout, one line each way:
//   -> "connected <N>" once every client is open
//   <- "start"          the stream starts: gaps are measured from now      -> "started"
//   <- "stop"           the stream stopped: gaps are measured until now    -> "stopped"
//   <- "finish <file>"  <file> holds what each sender produced, [{sender, broadcast, direct}, ...]:
//                       waits until every client is open (or gave up) and nothing arrived
//                       for --quiet-ms (at most 60 s), then
//                       -> "result {json}" with the figures, and exits
'use strict';
const fs = require('fs');
const path = require('path');
const readline = require('readline');
const { Tally } = require('./rolling-tally');

function options(argv) {
  const parsed = {
    transport: 'socketio',
    url: null,
    clients: 100,
    first: 0,
    clientModule: path.resolve(__dirname,
      '../../socketbox-spring-boot-autoconfigure/src/main/resources/io/socketbox/spring/client/client.js'),
    quietMs: 2000,
  };
  for (let i = 2; i < argv.length; i += 2) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--transport': parsed.transport = value; break;
      case '--url': parsed.url = value; break;
      case '--clients': parsed.clients = Number(value); break;
      case '--first': parsed.first = Number(value); break;
      case '--client-module': parsed.clientModule = path.resolve(value); break;
      case '--quiet-ms': parsed.quietMs = Number(value); break;
      default: throw new Error(`Unknown option ${argv[i]}`);
    }
  }
  if (!parsed.url) {
    throw new Error('--url is required');
  }
  return parsed;
}

/**
 * A transport opens one client and reports to `events`: open(recovered) on every open
 * (the first one included), message(kind, sender, n), gap() for a loss the transport
 * announces, ended() when the client gives up for good. It returns {close()}.
 */
const transports = {

  socketio(url, name, events) {
    const { io } = require('socket.io-client');
    const socket = io(url, { transports: ['websocket'], auth: { name }, forceNew: true });
    socket.on('connect', () => events.open(socket.recovered));
    socket.on('b', (sender, n) => events.message('b', sender, n));
    socket.on('d', (sender, n) => events.message('d', sender, n));
    socket.on('disconnect', (reason) => {
      events.closed(reason);
      // Socket.IO reconnects by itself except after these
      if (reason === 'io server disconnect' || reason === 'io client disconnect') {
        events.ended(reason);
      }
    });
    return { close: () => socket.close() };
  },

  socketbox(url, name, events, clientModule) {
    const SocketBox = require(clientModule);
    const client = SocketBox.connect(url, { WebSocket: globalThis.WebSocket });
    client.on('open', ({ resumed }) => {
      if (!resumed) {
        client.send(`register ${name}`);
      }
      events.open(resumed);
    });
    client.on('message', (text) => {
      const [kind, sender, n] = text.split(' ');
      if ((kind === 'b' || kind === 'd') && sender && n) {
        events.message(kind, sender, Number(n));
      }
    });
    client.on('gap', () => events.gap());
    client.on('close', ({ willReconnect, code }) => {
      events.closed(`close ${code}`);
      if (!willReconnect) {
        events.ended(`close ${code}`);
      }
    });
    return { close: () => client.close() };
  },

};

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  const n = sorted.length;
  return (n === 0) ? 0 : (n % 2 === 1) ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

function main() {
  const opts = options(process.argv);
  const open = transports[opts.transport];
  if (!open) {
    throw new Error(`No transport ${opts.transport}`);
  }
  const clients = [];
  let lastDelivery = performance.now();
  let connected = 0;
  for (let i = 0; i < opts.clients; i++) {
    const name = `c${opts.first + i}`;
    const client = { name, tally: new Tally(name), opens: 0, reconnects: 0, recovered: 0, notRecovered: 0,
      gaps: 0, ended: null, open: false };
    client.connection = open(opts.url, name, {
      open(recovered) {
        client.opens++;
        client.open = true;
        if (process.env.ROLLING_DEBUG) {
          console.error(`${Math.round(performance.now())} ${name} open ${recovered}`);
        }
        if (client.opens === 1) {
          if (++connected === opts.clients) {
            console.log(`connected ${connected}`);
          }
          return;
        }
        client.reconnects++;
        if (recovered) {
          client.recovered++;
        }
        else {
          client.notRecovered++;
        }
      },
      message(kind, sender, n) {
        lastDelivery = performance.now();
        client.tally.record(kind, sender, n, lastDelivery);
      },
      closed(reason) {
        client.open = false;
        if (process.env.ROLLING_DEBUG) {
          console.error(`${Math.round(performance.now())} ${name} closed ${reason}`);
        }
      },
      gap() {
        client.gaps++;
      },
      ended(reason) {
        client.ended = reason;
      },
    }, opts.clientModule);
    clients.push(client);
  }

  function finish(file) {
    const produced = {};
    for (const sender of JSON.parse(fs.readFileSync(file, 'utf8'))) {
      produced[sender.sender] = sender;
    }
    const startedAt = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      // A client still reconnecting has its replay to come
      const settled = clients.every((client) => client.open || client.ended !== null);
      if ((!settled || now - lastDelivery < opts.quietMs) && now - startedAt < 60000) {
        return;
      }
      clearInterval(timer);
      const figures = { clients: clients.length, expected: 0, received: 0, lost: 0, duplicated: 0, outOfOrder: 0,
        unexpected: 0, clientsWithLoss: 0, reconnects: 0, recovered: 0, notRecovered: 0, gaps: 0, ended: 0, disconnectedAtEnd: 0,
        longestGapMs: 0, medianLongestGapMs: 0, quietAfterMs: Math.round(now - startedAt) };
      const longestGaps = [];
      for (const client of clients) {
        const losses = client.tally.losses(produced);
        figures.expected += losses.expected;
        figures.lost += losses.lost;
        figures.unexpected += losses.unexpected;
        figures.clientsWithLoss += (losses.lost > 0) ? 1 : 0;
        figures.received += client.tally.received;
        figures.duplicated += client.tally.duplicated;
        figures.outOfOrder += client.tally.outOfOrder;
        figures.reconnects += client.reconnects;
        figures.recovered += client.recovered;
        figures.notRecovered += client.notRecovered;
        figures.gaps += client.gaps;
        figures.ended += (client.ended !== null) ? 1 : 0;
        figures.disconnectedAtEnd += (!client.open) ? 1 : 0;
        longestGaps.push(client.tally.longestGap);
        if (process.env.ROLLING_DEBUG && losses.lost > 0) {
          console.error(`${client.name} lost ${JSON.stringify(client.tally.missing(produced))}`);
        }
      }
      figures.longestGaps = longestGaps.map(Math.round);
      figures.longestGapMs = Math.round(Math.max(0, ...longestGaps));
      figures.medianLongestGapMs = Math.round(median(longestGaps));
      console.log(`result ${JSON.stringify(figures)}`);
      clients.forEach((client) => client.connection.close());
      setTimeout(() => process.exit(0), 200);
    }, 100);
  }

  const input = readline.createInterface({ input: process.stdin });
  input.on('line', (line) => {
    const [command, argument] = line.trim().split(/\s+/, 2);
    const now = performance.now();
    if (process.env.ROLLING_DEBUG) {
      console.error(`${Math.round(now)} command ${line}`);
    }
    if (command === 'start') {
      clients.forEach((client) => client.tally.startWindow(now));
      console.log('started');
    }
    else if (command === 'stop') {
      clients.forEach((client) => client.tally.endWindow(now));
      console.log('stopped');
    }
    else if (command === 'finish') {
      finish(argument);
    }
  });
  // The benchmark went away: nothing more to report to
  input.on('close', () => setTimeout(() => process.exit(0), 60000).unref());
}

main();
