'use strict';
// The Node baseline: the `ws` package, written the way its README shows, speaking the
// same envelope protocol as the two Spring servers. Run with --expose-gc so that the
// harness can read live memory after a collection.
const http = require('node:http');
const { WebSocketServer, WebSocket } = require('ws');

const port = Number(process.argv[2] || 8080);

const server = http.createServer((req, res) => {
  if (req.url === '/bench/heap') {
    for (let i = 0; i < 3; i++) global.gc();
    const memory = process.memoryUsage();
    // Buffers (socket and frame data) live outside the V8 heap, in `external`.
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ heapUsed: memory.heapUsed + memory.external }));
    return;
  }
  res.statusCode = 404;
  res.end();
});

// 64 KiB, the same limit as the starter's default.
const wss = new WebSocketServer({ server, maxPayload: 64 * 1024 });

function write(name, message) {
  return JSON.stringify({ name, message, isAmbiorix: true });
}

wss.on('connection', (ws) => {
  ws.on('error', () => {});
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    let envelope;
    try {
      envelope = JSON.parse(data);
    } catch {
      return;
    }
    if (envelope === null || typeof envelope !== 'object' || envelope.isAmbiorix !== true) return;
    if (envelope.name === 'echo') {
      ws.send(write('echo', envelope.message ?? null));
    } else if (envelope.name === 'chat') {
      // Serialised and encoded once, then handed to every client.
      const frame = Buffer.from(write('chat', envelope.message ?? null));
      for (const client of wss.clients) {
        if (client.readyState === WebSocket.OPEN) client.send(frame, { binary: false });
      }
    }
  });
});

server.listen(port, '127.0.0.1', () => {
  console.log(`node ws server listening on 127.0.0.1:${port}`);
});
