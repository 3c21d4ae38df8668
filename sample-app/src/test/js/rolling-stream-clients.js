// The clients of RollingRestartIT: N SocketBox clients (client.js) through the load
// balancer, each recording every message of the sample's stream ("b <sender> <n>",
// "d <sender> <n>", see the sample's StreamProducer) and every `gap` event, in the order
// they came. A leaner copy of benchmarks/socketio/rolling-clients.js that also says, of
// each number a client never received, whether a `gap` event announced its loss.
//
//   node --experimental-websocket rolling-stream-clients.js --url ws://host:port/ws
//        --client-module client.js [--clients 100] [--first 0] [--quiet-ms 2000]
//
// Clients c<first> ... c<first+N-1> (a test runs several processes, each with its own
// names); each sends "register <name>" on every open that did not resume its session.
// One line each way on stdin/stdout:
//   -> "connected <N>" once every client is open
//   <- "start" / "stop"   the window in which the longest gap is measured -> "started" / "stopped"
//   <- "finish <file>"    <file> holds what each sender produced, [{sender, broadcast, direct}, ...];
//                         waits until every client is open (or gave up) and nothing arrived for
//                         --quiet-ms (at most 60 s), then -> "result {json}", and exits
//
// A number n of sender S that a client never received counts as announced when a gap
// event of the same kind (for broadcasts: of S's origin, the node id in "node-<id>" or
// the origin S's frames came with) came after the client's last message of S below n
// and before its first above n; otherwise it is lost silently.
'use strict';
const fs = require('fs');
const readline = require('readline');

function options(argv) {
  const parsed = { url: null, clients: 100, first: 0, clientModule: null, quietMs: 2000 };
  for (let i = 2; i < argv.length; i += 2) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--url': parsed.url = value; break;
      case '--clients': parsed.clients = Number(value); break;
      case '--first': parsed.first = Number(value); break;
      case '--client-module': parsed.clientModule = value; break;
      case '--quiet-ms': parsed.quietMs = Number(value); break;
      default: throw new Error(`Unknown option ${argv[i]}`);
    }
  }
  if (!parsed.url || !parsed.clientModule) {
    throw new Error('--url and --client-module are required');
  }
  return parsed;
}

/** What one client received, in order: numbered messages per stream, and gap events. */
class Record {

  constructor(name) {
    this.name = name;
    this.tick = 0;
    this.streams = new Map();
    this.origins = new Map();
    this.gaps = [];
    // Opens, closes and gaps with their tick and time, to explain a silent loss (stderr)
    this.journal = [];
    this.received = 0;
    this.duplicated = 0;
    this.duplicatedExamples = [];
    this.outOfOrder = 0;
    this.windowStart = null;
    this.windowEnd = null;
    this.lastArrival = null;
    this.longestGap = 0;
  }

  message(kind, sender, n, origin, at, seq) {
    this.tick++;
    this.received++;
    if (origin) {
      this.origins.set(sender, origin);
    }
    const key = `${kind} ${sender}`;
    let stream = this.streams.get(key);
    if (!stream) {
      stream = { max: 0, arrivals: new Map(), seqs: new Map() };
      this.streams.set(key, stream);
    }
    if (stream.arrivals.has(n)) {
      this.duplicated++;
      if (this.duplicatedExamples.length < 5) {
        this.duplicatedExamples.push(`${this.name} ${key} ${n}`);
      }
    }
    else {
      stream.arrivals.set(n, this.tick);
      if (seq !== undefined) {
        stream.seqs.set(n, seq);
      }
      if (n < stream.max) {
        this.outOfOrder++;
      }
      stream.max = Math.max(stream.max, n);
    }
    if (this.windowStart !== null && this.windowEnd === null) {
      this.longestGap = Math.max(this.longestGap, at - this.lastArrival);
      this.lastArrival = at;
    }
  }

  gap(event) {
    this.tick++;
    this.gaps.push({ kind: event.kind, origin: event.origin, reason: event.reason, tick: this.tick });
    this.note(`gap ${event.kind} ${event.reason} ${event.origin || ''}`);
  }

  /** Journal an event of the connection (open, close) at the current tick. */
  note(what) {
    this.journal.push({ tick: this.tick, at: new Date().toISOString(), what });
  }

  /**
   * Explain the first silent loss of a stream: where the client's numbers below and
   * above it arrived (tick, direct seq) and what happened to the connection in between.
   */
  explain(kind, sender, n, below, above) {
    const stream = this.streams.get(`${kind} ${sender}`);
    const at = (tick) => {
      for (const [number, arrival] of stream ? stream.arrivals : []) {
        if (arrival === tick) {
          return `${number} at tick ${tick} (seq ${stream.seqs.get(number)})`;
        }
      }
      return `tick ${tick}`;
    };
    const events = this.journal.filter((event) => event.tick >= below - 1 && event.tick <= above + 1)
      .map((event) => `${event.at} tick ${event.tick} ${event.what}`);
    const before = this.journal.filter((event) => event.tick < below - 1).slice(-3)
      .map((event) => `${event.at} tick ${event.tick} ${event.what}`);
    return `${this.name} ${kind} ${sender} ${n} silent: last below ${at(below)}, first above ${at(above)}; `
      + `earlier events ${JSON.stringify(before)}; events between ${JSON.stringify(events)}`;
  }

  /** Whether a gap event of this stream came between the two ticks. */
  announced(kind, sender, after, before) {
    const gapKind = (kind === 'b') ? 'broadcast' : 'direct';
    const origin = this.origins.get(sender) || sender.replace(/^node-/, '');
    return this.gaps.some((gap) => gap.kind === gapKind && gap.tick > after && gap.tick < before
        && (gapKind === 'direct' || gap.origin === origin));
  }

  /** Count what was owed and not received, announced or not. */
  losses(produced) {
    const result = { expected: 0, lost: 0, announced: 0, silent: 0, silentAtStart: 0, unexpected: 0, silentExamples: [],
      silentLaterExamples: [] };
    for (const of of produced) {
      const owed = { b: of.broadcast || 0, d: (of.direct && of.direct[this.name]) || 0 };
      for (const kind of ['b', 'd']) {
        const stream = this.streams.get(`${kind} ${of.sender}`) || { arrivals: new Map() };
        const numbers = [...stream.arrivals.keys()].sort((x, y) => x - y);
        result.expected += owed[kind];
        // Above what a crashed sender got to its peers: delivered by it to its own clients only
        result.unexpected += numbers.filter((n) => n < 1 || (n > owed[kind] && !of.crashed)).length;
        let below = 0;
        let index = 0;
        for (let n = 1; n <= owed[kind]; n++) {
          while (index < numbers.length && numbers[index] < n) {
            below = stream.arrivals.get(numbers[index]);
            index++;
          }
          if (index < numbers.length && numbers[index] === n) {
            continue;
          }
          // The first message of this stream above n: the earliest arrival among them
          let above = Infinity;
          for (let j = index; j < numbers.length; j++) {
            above = Math.min(above, stream.arrivals.get(numbers[j]));
          }
          result.lost++;
          if (this.announced(kind, of.sender, below, above)) {
            result.announced++;
          }
          else {
            result.silent++;
            if (result.explained === undefined) {
              result.explained = this.explain(kind, of.sender, n, below, above);
            }
            if (index === 0) {
              // Before the first number of this sender that reached the client
              result.silentAtStart++;
            }
            else if (result.silentLaterExamples.length < 5) {
              result.silentLaterExamples.push(`${this.name} ${kind} ${of.sender} ${n}`);
            }
            if (result.silentExamples.length < 5) {
              result.silentExamples.push(`${this.name} ${kind} ${of.sender} ${n}`);
            }
          }
        }
      }
    }
    return result;
  }

}

/**
 * What a sender that crashed produced is known only from what reached the clients. Its
 * broadcasts are owed up to the highest number a client that stayed connected throughout
 * received (those clients were on the other nodes, which got what the sender wrote to its
 * links before it died); higher numbers reached only the crashed node's own clients and
 * are counted apart (lostInCrash): no other node ever had them. Its direct messages to a
 * client are owed up to the highest that client received.
 */
function resolveCrashed(produced, records, steady) {
  return produced.map((of) => {
    if (!of.crashed) {
      return of;
    }
    const highest = (record, kind) => {
      const stream = record.streams.get(`${kind} ${of.sender}`);
      return stream ? stream.max : 0;
    };
    const direct = {};
    for (const record of records) {
      direct[record.name] = highest(record, 'd');
    }
    const broadcast = Math.max(0, ...steady.map((record) => highest(record, 'b')));
    const reached = Math.max(0, ...records.map((record) => highest(record, 'b')));
    return { sender: of.sender, broadcast, direct, crashed: true, lostInCrash: reached - broadcast };
  });
}

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  const n = sorted.length;
  return (n === 0) ? 0 : (n % 2 === 1) ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

function main() {
  const opts = options(process.argv);
  const SocketBox = require(opts.clientModule);
  const clients = [];
  const gapExamples = [];
  // When some client first received each broadcast, to tell what a client got only after a reconnect
  const firstSeen = new Map();
  let lastDelivery = performance.now();
  let connected = 0;
  for (let i = 0; i < opts.clients; i++) {
    const name = `c${opts.first + i}`;
    const client = { name, record: new Record(name), opens: 0, reconnects: 0, notRecovered: 0, ended: null,
      open: false, gapReasons: {}, reopenedAt: null, recovered: 0 };
    const socket = SocketBox.connect(opts.url, { WebSocket: globalThis.WebSocket });
    socket.on('open', ({ resumed, session }) => {
      client.record.note(`open ${resumed ? 'resumed' : 'new'} ${session} (last direct seq ${socket._lastSeq})`);
      if (!resumed) {
        socket.send(`register ${name}`);
      }
      client.open = true;
      client.opens++;
      if (client.opens === 1) {
        if (++connected === opts.clients) {
          console.log(`connected ${connected}`);
        }
        return;
      }
      client.reconnects++;
      client.reopenedAt = performance.now();
      if (!resumed) {
        client.notRecovered++;
      }
    });
    socket.on('message', (text, meta) => {
      const [kind, sender, n] = text.split(' ');
      if ((kind === 'b' || kind === 'd') && sender && n) {
        lastDelivery = performance.now();
        if (kind === 'b') {
          const key = `${sender} ${n}`;
          const first = firstSeen.get(key);
          if (first === undefined) {
            firstSeen.set(key, lastDelivery);
          }
          else if (client.reopenedAt !== null && first < client.reopenedAt) {
            // Another client had it before this one reconnected: replayed from a node's history
            client.recovered++;
          }
        }
        client.record.message(kind, sender, Number(n), meta && meta.origin, lastDelivery, meta && meta.seq);
      }
    });
    socket.on('gap', (event) => {
      client.record.gap(event);
      const key = `${event.kind} ${event.reason}`;
      client.gapReasons[key] = (client.gapReasons[key] || 0) + 1;
      if (gapExamples.length < 20) {
        // The highest number of the stream so far; the next message shows where it went on
        const stream = client.record.streams.get(event.kind === 'broadcast' ? `b node-${event.origin}` : null);
        gapExamples.push(`${client.record.name} ${key} ${event.origin || ''} after ${stream ? stream.max : '-'}`
          + ` at ${new Date().toISOString()}`);
      }
    });
    socket.on('close', ({ willReconnect, code }) => {
      client.record.note(`close ${code} (last direct seq ${socket._lastSeq})`);
      client.open = false;
      if (!willReconnect) {
        client.ended = code;
      }
    });
    client.socket = socket;
    clients.push(client);
  }

  function finish(file) {
    const produced = resolveCrashed(JSON.parse(fs.readFileSync(file, 'utf8')), clients.map((client) => client.record),
      clients.filter((client) => client.reconnects === 0).map((client) => client.record));
    const startedAt = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      const settled = clients.every((client) => client.open || client.ended !== null);
      if ((!settled || now - lastDelivery < opts.quietMs) && now - startedAt < 60000) {
        return;
      }
      clearInterval(timer);
      const figures = { clients: clients.length, expected: 0, received: 0, lost: 0, announced: 0, silent: 0,
        silentAtStart: 0, unexpected: 0, duplicated: 0, outOfOrder: 0, clientsWithLoss: 0, reconnects: 0, notRecovered: 0,
        recovered: 0, lostInCrash: 0, gaps: 0,
        gapReasons: {}, ended: 0, disconnectedAtEnd: 0, longestGapMs: 0, medianLongestGapMs: 0, silentExamples: [],
        silentLaterExamples: [], duplicatedExamples: [], gapExamples };
      const longestGaps = [];
      figures.lostInCrash = produced.reduce((sum, of) => sum + (of.lostInCrash || 0), 0);
      for (const client of clients) {
        const losses = client.record.losses(produced);
        if (losses.explained) {
          console.error(losses.explained);
        }
        figures.expected += losses.expected;
        figures.lost += losses.lost;
        figures.announced += losses.announced;
        figures.silent += losses.silent;
        figures.silentAtStart += losses.silentAtStart;
        figures.unexpected += losses.unexpected;
        figures.clientsWithLoss += (losses.lost > 0) ? 1 : 0;
        figures.received += client.record.received;
        figures.duplicated += client.record.duplicated;
        figures.outOfOrder += client.record.outOfOrder;
        figures.reconnects += client.reconnects;
        figures.notRecovered += client.notRecovered;
        figures.recovered += client.recovered;
        figures.gaps += client.record.gaps.length;
        for (const [key, count] of Object.entries(client.gapReasons)) {
          figures.gapReasons[key] = (figures.gapReasons[key] || 0) + count;
        }
        figures.ended += (client.ended !== null) ? 1 : 0;
        figures.disconnectedAtEnd += client.open ? 0 : 1;
        longestGaps.push(client.record.longestGap);
        if (figures.silentExamples.length < 20) {
          figures.silentExamples.push(...losses.silentExamples);
        }
        if (figures.duplicatedExamples.length < 20) {
          figures.duplicatedExamples.push(...client.record.duplicatedExamples);
        }
        if (figures.silentLaterExamples.length < 20) {
          figures.silentLaterExamples.push(...losses.silentLaterExamples);
        }
      }
      figures.longestGaps = longestGaps.map(Math.round);
      figures.longestGapMs = Math.round(Math.max(0, ...longestGaps));
      figures.medianLongestGapMs = Math.round(median(longestGaps));
      console.log(`result ${JSON.stringify(figures)}`);
      clients.forEach((client) => client.socket.close());
      setTimeout(() => process.exit(0), 200);
    }, 100);
  }

  const input = readline.createInterface({ input: process.stdin });
  input.on('line', (line) => {
    const [command, argument] = line.trim().split(/\s+/, 2);
    const now = performance.now();
    if (command === 'start') {
      for (const client of clients) {
        client.record.windowStart = now;
        client.record.lastArrival = now;
      }
      console.log('started');
    }
    else if (command === 'stop') {
      for (const client of clients) {
        client.record.windowEnd = now;
        client.record.longestGap = Math.max(client.record.longestGap, now - client.record.lastArrival);
      }
      console.log('stopped');
    }
    else if (command === 'finish') {
      finish(argument);
    }
  });
  input.on('close', () => setTimeout(() => process.exit(0), 60000).unref());
}

if (require.main === module) {
  main();
}
else {
  module.exports = { Record, resolveCrashed };
}
