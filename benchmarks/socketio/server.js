// One Socket.IO 4 node with the Redis adapter: the same chat protocol as the SocketBox sample.
//   node --expose-gc server.js <port> <redisPort>
// Events: 'welcome' {id, node} on connect; 'chat' text -> io.emit('chat', {from, node, text})
// cluster-wide; 'direct' {to, text} -> io.to(to).emit('direct', {from, text}).
// GET /stats runs a full GC and answers {connections, heapUsed, external, rss, serverCount}.
'use strict';
const http = require('http');
const { Server } = require('socket.io');
const { createAdapter } = require('@socket.io/redis-adapter');
const { createClient } = require('redis');

const port = Number(process.argv[2]);
const redisPort = Number(process.argv[3]);
const node = `socketio://127.0.0.1:${port}`;

async function main() {
  const pubClient = createClient({ url: `redis://127.0.0.1:${redisPort}` });
  const subClient = pubClient.duplicate();
  pubClient.on('error', (err) => console.error('redis pub', err.message));
  subClient.on('error', (err) => console.error('redis sub', err.message));
  await Promise.all([pubClient.connect(), subClient.connect()]);

  let io;
  const httpServer = http.createServer(async (req, res) => {
    if (req.url === '/stats') {
      if (global.gc) {
        global.gc();
      }
      const memory = process.memoryUsage();
      const serverCount = await io.of('/').adapter.serverCount();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({
        connections: io.engine.clientsCount,
        heapUsed: memory.heapUsed,
        external: memory.external,
        rss: memory.rss,
        serverCount,
      }));
      return;
    }
    res.writeHead(404);
    res.end();
  });
  io = new Server(httpServer, {
    adapter: createAdapter(pubClient, subClient),
    transports: ['websocket'],
    serveClient: false,
  });
  io.on('connection', (socket) => {
    socket.emit('welcome', { id: socket.id, node });
    socket.on('chat', (text) => {
      io.emit('chat', { from: socket.id, node, text });
    });
    socket.on('direct', (frame) => {
      if (frame && typeof frame.to === 'string') {
        io.to(frame.to).emit('direct', { from: socket.id, text: frame.text });
      }
    });
  });
  httpServer.listen(port, '127.0.0.1', () => console.log(`ready ${node}`));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
