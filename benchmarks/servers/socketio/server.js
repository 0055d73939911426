'use strict';
// The peer Node users pick to fan out across nodes: Socket.IO 4, with
// `@socket.io/redis-streams-adapter` over the `redis` client when given a Redis URL (one
// stream, as the starter's relay uses), alone otherwise. The same `chat` handler as the
// other servers: whatever a client sends as `chat` goes to every client of every node,
// the sender included (`io.emit`).
//
//   node server.js <port> [redis://127.0.0.1:<port>]
const http = require('node:http');
const { Server } = require('socket.io');

const port = Number(process.argv[2] || 8080);
const redisUrl = process.argv[3];

async function main() {
  const server = http.createServer((req, res) => {
    // Any answer tells the harness that the server is up; Socket.IO answers its own path.
    res.statusCode = 404;
    res.end();
  });
  // WebSocket only, as the load generator connects: no long-polling upgrade dance.
  const options = { transports: ['websocket'], maxHttpBufferSize: 64 * 1024 };
  if (redisUrl) {
    const { createClient } = require('redis');
    const { createAdapter } = require('@socket.io/redis-streams-adapter');
    const redisClient = createClient({ url: redisUrl });
    redisClient.on('error', (error) => console.error('redis:', error.message));
    await redisClient.connect();
    options.adapter = createAdapter(redisClient);
  }
  const io = new Server(server, options);
  io.on('connection', (socket) => {
    socket.on('chat', (message) => io.emit('chat', message));
  });
  server.listen(port, '127.0.0.1', () => {
    console.log(`socket.io server listening on 127.0.0.1:${port}${redisUrl ? ` with the Redis streams adapter at ${redisUrl}` : ''}`);
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
