// One Socket.IO 4 node for the rolling-restart benchmark (scenario 11): the Redis Streams
// adapter and connection state recovery, as the Socket.IO documentation sets them up for
// a cluster whose clients must not miss messages across a restart.
//
//   node rolling-server.js <port> <redisPort> <sender> <broadcastRate> <directRate> <directTargets> [produce]
//
// The node produces its own share of the stream (see docs/benchmarks.md, "Rolling restart"):
//   io.emit('b', sender, n)              n = 1, 2, 3, ... at broadcastRate per second
//   io.to('c<k>').emit('d', sender, n)   for k < directTargets, n = 1, 2, 3, ... per target,
//                                        at directRate per second per target
// `sender` names this process (a restarted node is a new sender, counting from 1), so
// "in order per sender" is well defined across restarts. A client joins the room of the
// name it gives in its handshake's auth ({name: 'c7'}); a recovered socket keeps its rooms.
//
// GET /ready answers 200 once the node serves; GET /stream/start starts producing (a node
// started with `produce` starts by itself once it listens); GET /stream/stop stops and
// answers what it produced: {"sender":..,"broadcast":N,"direct":{"c0":N,...}}. On SIGTERM
// it stops producing, prints the same JSON on a line "produced {...}", and closes as a
// Socket.IO application would (io.close(): every client is disconnected with a
// recoverable reason and reconnects elsewhere), then exits.
'use strict';
const http = require('http');
const { Server } = require('socket.io');
const { createAdapter } = require('@socket.io/redis-streams-adapter');
const { createClient } = require('redis');

const port = Number(process.argv[2]);
const redisPort = Number(process.argv[3]);
const sender = process.argv[4];
const broadcastRate = Number(process.argv[5]);
const directRate = Number(process.argv[6]);
const directTargets = Number(process.argv[7]);
const produceAtStart = process.argv[8] === 'produce';

/** Messages of one numbered stream, due at start + n / rate, each sent by `send(n)`. */
function pacedStream(rate, send) {
  return { rate, send, sent: 0 };
}

async function main() {
  const redisClient = createClient({ url: `redis://127.0.0.1:${redisPort}` });
  redisClient.on('error', (err) => console.error('redis', err.message));
  await redisClient.connect();

  let io;
  let producer = null;
  const broadcast = pacedStream(broadcastRate, (n) => io.emit('b', sender, n));
  const directs = [];
  for (let k = 0; k < directTargets; k++) {
    directs.push(pacedStream(directRate, (n) => io.to(`c${k}`).emit('d', sender, n)));
  }
  const streams = [broadcast, ...directs];

  function startProducing() {
    if (producer) {
      return;
    }
    const startedAt = performance.now();
    // A late tick sends everything due since the last one: a stalled node is charged
    // for the wait, its rate does not drop
    producer = setInterval(() => {
      const elapsed = (performance.now() - startedAt) / 1000;
      for (const stream of streams) {
        const due = Math.floor(elapsed * stream.rate);
        while (stream.sent < due) {
          stream.sent++;
          stream.send(stream.sent);
        }
      }
    }, 5);
  }

  function stopProducing() {
    clearInterval(producer);
    producer = null;
    const direct = {};
    directs.forEach((stream, k) => {
      direct[`c${k}`] = stream.sent;
    });
    return { sender, broadcast: broadcast.sent, direct };
  }

  const httpServer = http.createServer((req, res) => {
    if (req.url === '/ready') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ready');
      return;
    }
    if (req.url === '/stream/start') {
      startProducing();
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('producing');
      return;
    }
    if (req.url === '/stream/stop') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(stopProducing()));
      return;
    }
    res.writeHead(404);
    res.end();
  });
  io = new Server(httpServer, {
    adapter: createAdapter(redisClient),
    transports: ['websocket'],
    serveClient: false,
    connectionStateRecovery: {
      maxDisconnectionDuration: 2 * 60 * 1000,
      skipMiddlewares: true,
    },
  });
  io.on('connection', (socket) => {
    // A recovered socket has its rooms back; a new one (first connection, or recovery
    // failed) registers under the name the client gives
    const name = socket.handshake.auth && socket.handshake.auth.name;
    if (!socket.recovered && typeof name === 'string') {
      socket.join(name);
    }
  });

  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) {
      return;
    }
    stopping = true;
    console.log(`produced ${JSON.stringify(stopProducing())}`);
    io.close(() => {
      redisClient.quit().finally(() => process.exit(0));
    });
    // Connections nginx keeps alive to this node would hold the HTTP server open
    setTimeout(() => process.exit(0), 5000).unref();
  });

  httpServer.listen(port, '127.0.0.1', () => {
    console.log(`ready ${sender} on ${port}`);
    if (produceAtStart) {
      startProducing();
    }
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
