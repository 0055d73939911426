'use strict';
// The load generator: one Node process per scenario run, driven by the harness over
// stdin/stdout so that the harness can read this process's and the server's CPU time
// from /proc exactly around the measured window.
//
//   node loadgen.js '<json config>'
//   -> prints "READY <json>" once connected, waits for "GO" on stdin,
//   -> prints "END" when the measured window closes, then "RESULT <json>", and exits.
//
// Node's `ws` client, because one event loop caps the generator at one of the machine's
// two cores (the server keeps the other), it holds 10,000 idle connections in little
// memory, and the same client code drives all three servers.
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { performance } = require('node:perf_hooks');
const WebSocket = require('ws');

const config = JSON.parse(process.argv[2]);
// The cluster scenario spreads clients over several nodes (`ports`), in turn, so that the
// first client (the sender) is on the first node.
const ports = config.ports ?? [config.port];
// `socketio`: the same scenario spoken as Socket.IO (Engine.IO 4 over a WebSocket, no
// polling), the peer in the cluster scenario.
const socketio = config.protocol === 'socketio';
const urls = ports.map((port) => (socketio ? `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket` : `ws://127.0.0.1:${port}/`));
let nextUrl = 0;
// `compression`: offer permessage-deflate as Chromium does, `permessage-deflate;
// client_max_window_bits` (what `ws` sends for these options), and compress every
// message sent, however small, as Chromium does (ws's default threshold is 1 KB).
const CHROMIUM_DEFLATE = { clientMaxWindowBits: true, threshold: 0 };
// Connections come from many loopback source addresses, so that tens of thousands of
// them (and the TIME_WAIT they leave behind) never run out of ephemeral ports.
const SOURCE_ADDRESSES = 50;
let nextSource = 0;

function sourceAddress() {
  nextSource = (nextSource % SOURCE_ADDRESSES) + 1;
  return `127.0.0.${nextSource}`;
}

let firstError = null;

function connect(onMessage) {
  return new Promise((resolve) => {
    const url = urls[nextUrl];
    nextUrl = (nextUrl + 1) % urls.length;
    const ws = new WebSocket(url, {
      localAddress: sourceAddress(),
      handshakeTimeout: 15000,
      perMessageDeflate: config.compression ? CHROMIUM_DEFLATE : false,
    });
    let settled = false;
    const settle = (value) => {
      if (!settled) {
        settled = true;
        resolve(value);
      }
    };
    ws.on('error', (error) => {
      // The first failure's cause, for the scenarios that look for the first limit.
      if (firstError === null) firstError = error.code || error.message;
      settle(null);
    });
    if (socketio) {
      // Engine.IO open ("0{...}"), then the client joins the main namespace ("40") and is
      // connected on the server's "40{...}"; events are "42[...]"; the server's pings ("2")
      // are answered ("3").
      ws.on('message', (data) => {
        const type = data[0];
        if (type === 0x34 && data[1] === 0x32) {
          if (onMessage) onMessage(ws, data);
        } else if (type === 0x32) {
          ws.send('3');
        } else if (type === 0x30) {
          ws.send('40');
        } else if (type === 0x34 && data[1] === 0x30) {
          settle(ws);
        }
      });
      return;
    }
    ws.on('open', () => settle(ws));
    if (onMessage) ws.on('message', (data) => onMessage(ws, data));
  });
}

/** Open `count` clients, at most `parallel` handshakes at a time. */
async function connectMany(count, onMessage, parallel = 200) {
  const clients = [];
  let failed = 0;
  let started = 0;
  async function worker() {
    while (started < count) {
      started++;
      const ws = await connect(onMessage);
      if (ws) clients.push(ws);
      else failed++;
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return { clients, failed };
}

/**
 * A client that completes the handshake and then never reads again, with a 4 KB receive
 * buffer: a small Java program, since Node cannot set SO_RCVBUF.
 */
function connectStuckReader() {
  return new Promise((resolve, reject) => {
    // The run script compiles it once into target/; the source runs too, a second slower.
    const compiled = fs.existsSync(path.join(__dirname, 'target', 'StuckReader.class'));
    const javaArgs = compiled ? ['-cp', path.join(__dirname, 'target'), 'StuckReader'] : [path.join(__dirname, 'StuckReader.java')];
    const child = spawn('java', ['-Xshare:auto', '-XX:TieredStopAtLevel=1', ...javaArgs, String(config.port)], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('READY')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`stuck reader exited with ${code}`)));
  });
}

/** Bytes received by these clients' sockets so far: what the server put on the wire. */
function bytesRead(clients) {
  let total = 0;
  for (const ws of clients) total += ws._socket ? ws._socket.bytesRead : 0;
  return total;
}

/** What the server agreed to (the response's Sec-WebSocket-Extensions), as `ws` parsed it. */
function negotiated(clients) {
  const ws = clients[0];
  if (!ws) return null;
  const agreed = ws._extensions && ws._extensions['permessage-deflate'];
  return agreed ? `permessage-deflate ${JSON.stringify(agreed.params || {})}` : 'none';
}

// Chat-like text for the payload (`text: true`): words from a small vocabulary chosen by
// a fixed pseudo-random sequence, so that it compresses as prose does (about 3:1), not
// as a run of one letter.
const WORDS = 'the a to and of in is it you that he was for on are with as I his they be at one have this from or had by hot word but what some we can out other were all there when up use your how said an each she which do their time if will way about many then them write would like so these her long make thing see him two has look more day could go come did number sound no most people my over know water than call first who may down side been now find'.split(' ');
// Each message takes a different slice of one long text, so that no two are alike (as
// in a chat) and a compressor that keeps its window between messages gains only what
// real traffic would give it: the envelope's keys and the vocabulary.
let pool = '';
function padding(length) {
  if (!config.text) return () => 'x'.repeat(length);
  let seed = 12345;
  while (pool.length < Math.max(65536, length * 8)) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    pool += WORDS[(seed >>> 8) % WORDS.length] + ' ';
  }
  return (k) => {
    const start = ((k % 100000) * 7919) % (pool.length - length);
    return pool.slice(start, start + length);
  };
}

const K_MARKER = Buffer.from('"k":');

/** The sequence number in a reply, found without parsing the whole frame. */
function sequenceOf(data) {
  const at = data.indexOf(K_MARKER);
  if (at < 0) return -1;
  let value = 0;
  for (let i = at + K_MARKER.length; i < data.length; i++) {
    const c = data[i];
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
  }
  return value;
}

function frame(name, k, padding) {
  if (socketio) return `42["${name}",{"k":${k},"p":"${padding}"}]`;
  return `{"name":"${name}","message":{"k":${k},"p":"${padding}"},"isAmbiorix":true}`;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

function summarise(latencies) {
  const sorted = Float64Array.from(latencies).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : null,
  };
}

function send(line) {
  process.stdout.write(line + '\n');
}

function waitForGo() {
  return new Promise((resolve) => {
    let buffered = '';
    const onData = (chunk) => {
      buffered += chunk.toString();
      if (buffered.includes('GO')) {
        process.stdin.off('data', onData);
        process.stdin.pause();
        resolve();
      }
    };
    process.stdin.on('data', onData);
    // A listener alone does not restart a stream paused by an earlier wait.
    process.stdin.resume();
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function closeAll(clients) {
  for (const ws of clients) {
    try {
      ws.terminate();
    } catch {
      // already gone
    }
  }
}

// Echo: every connection keeps one request in flight; round trip per reply.
async function echo() {
  const pad = padding(config.padding ?? 48);
  const latencies = [];
  let measuring = false;
  let stopped = false;
  let replies = 0;
  let k = 0;
  const sendEcho = (ws) => {
    ws.sentAt = performance.now();
    ws.send(frame('echo', k, pad(k)));
    k++;
  };
  const { clients, failed } = await connectMany(config.connections, (ws) => {
    if (measuring) {
      latencies.push(performance.now() - ws.sentAt);
      replies++;
    }
    if (!stopped) sendEcho(ws);
  });
  send(`READY ${JSON.stringify({ connected: clients.length, failed })}`);
  await waitForGo();
  measuring = true;
  const start = performance.now();
  const bytesBefore = bytesRead(clients);
  clients.forEach(sendEcho);
  await sleep(config.durationMs);
  measuring = false;
  stopped = true;
  const bytes = bytesRead(clients) - bytesBefore;
  const elapsed = (performance.now() - start) / 1000;
  send('END');
  send(`RESULT ${JSON.stringify({ messages: replies, seconds: elapsed, perSecond: replies / elapsed, rttMs: summarise(latencies), bytesRead: bytes, negotiated: negotiated(clients) })}`);
  closeAll(clients);
}

// Sequence numbers from here on are probes, never counted.
const PROBE = 1_000_000_000;

/**
 * With `probe`: broadcast until every client has had one, before the window. A client is
 * open once the handshake's answer arrives, which can be before its server has counted
 * it among the clients (on a loaded machine, long enough for a broadcast to miss it, and
 * for a window to stall on a broadcast that never completes). Socket.IO's clients wait
 * for the namespace's answer, sent once the server has them.
 */
async function probe(clients) {
  for (let attempt = 0; attempt < 100; attempt++) {
    clients[0].send(frame('chat', PROBE + attempt, ''));
    const deadline = performance.now() + 300;
    while (performance.now() < deadline && !clients.every((ws) => ws.probed)) await sleep(5);
    if (clients.every((ws) => ws.probed)) {
      // Let the other copies of earlier attempts arrive before the window.
      if (attempt > 0) await sleep(300);
      return;
    }
  }
  throw new Error('not every client received a probe broadcast within 30 s');
}

/**
 * The first client alone, until its server has it: a broadcast it sends comes back to it.
 * Only then do the others connect, so that the client that connected first is the same on
 * both sides (a server that serves its clients in connection order serves it first).
 */
async function connectFirst(onMessage) {
  const first = await connect(onMessage);
  if (!first) return null;
  for (let attempt = 0; attempt < 100 && !first.probed; attempt++) {
    first.send(frame('chat', PROBE + attempt, ''));
    const deadline = performance.now() + 300;
    while (performance.now() < deadline && !first.probed) await sleep(5);
  }
  if (!first.probed) throw new Error('the first client received no broadcast of its own within 30 s');
  return first;
}

// Fan-out: one client sends `chat`, the server broadcasts it to all N clients (sender
// included); `window` broadcasts are kept in flight; a broadcast is complete when the
// last client has it. Besides the last client's latency, per broadcast: the first
// delivery (the earliest receipt among all clients) and the receipt by the client that
// connected first (also the sender), what a harness watching one client would see.
async function fanout() {
  const pad = padding(config.padding ?? 48);
  const window = config.window ?? 2;
  // `broadcastsPerSec`: broadcasts on a clock instead of as the last ones complete, so that
  // two servers (or a compressed and a plain run) are compared at the same delivery rate.
  const paced = Boolean(config.broadcastsPerSec);
  const n = config.clients;
  const remaining = new Map();
  const sentAt = new Map();
  // Receipt times of each broadcast in flight: its first delivery, and the first client's.
  const firstAt = new Map();
  const firstClientAt = new Map();
  const latencies = [];
  const firstLatencies = [];
  const firstClientLatencies = [];
  let deliveries = 0;
  let measuring = false;
  let stopped = true;
  let nextK = 0;
  let sender = null;
  const sendNext = () => {
    const k = nextK++;
    remaining.set(k, n);
    sentAt.set(k, performance.now());
    sender.send(frame('chat', k, pad(k)));
  };
  const onMessage = (ws, data) => {
    const k = sequenceOf(data);
    if (k >= PROBE) {
      ws.probed = true;
      return;
    }
    const left = remaining.get(k);
    if (left === undefined) return;
    if (measuring) deliveries++;
    if (left === n) firstAt.set(k, performance.now());
    if (ws === sender) firstClientAt.set(k, performance.now());
    if (left > 1) {
      remaining.set(k, left - 1);
      return;
    }
    remaining.delete(k);
    const sent = sentAt.get(k);
    // The three figures of one broadcast are counted together, once it is complete.
    if (measuring) {
      latencies.push(performance.now() - sent);
      firstLatencies.push(firstAt.get(k) - sent);
      firstClientLatencies.push(firstClientAt.get(k) - sent);
    }
    sentAt.delete(k);
    firstAt.delete(k);
    firstClientAt.delete(k);
    if (!stopped && !paced) sendNext();
  };
  sender = await connectFirst(onMessage);
  const rest = await connectMany(n - 1, onMessage);
  const clients = sender ? [sender, ...rest.clients] : rest.clients;
  const failed = rest.failed + (sender ? 0 : 1);
  if (config.probe && clients.length === n) await probe(clients);
  send(`READY ${JSON.stringify({ connected: clients.length, failed })}`);
  if (clients.length !== n) {
    // A broadcast would never complete; report what happened instead of hanging.
    await waitForGo();
    send('END');
    send(`RESULT ${JSON.stringify({ error: `only ${clients.length} of ${n} clients connected` })}`);
    closeAll(clients);
    return;
  }
  await waitForGo();
  measuring = true;
  stopped = false;
  const start = performance.now();
  const bytesBefore = bytesRead(clients);
  let pacer = null;
  if (paced) {
    const interval = 1000 / config.broadcastsPerSec;
    let due = performance.now();
    // setInterval drifts; catch up so that the rate is what was asked.
    pacer = setInterval(() => {
      while (!stopped && performance.now() >= due) {
        sendNext();
        due += interval;
      }
    }, Math.max(1, Math.floor(interval / 2)));
  } else {
    for (let i = 0; i < window; i++) sendNext();
  }
  await sleep(config.durationMs);
  stopped = true;
  if (pacer) clearInterval(pacer);
  measuring = false;
  const bytes = bytesRead(clients) - bytesBefore;
  const elapsed = (performance.now() - start) / 1000;
  send('END');
  send(`RESULT ${JSON.stringify({ deliveries, seconds: elapsed, perSecond: deliveries / elapsed, broadcasts: latencies.length, broadcastsSent: nextK, lastClientMs: summarise(latencies), firstDeliveryMs: summarise(firstLatencies), firstClientMs: summarise(firstClientLatencies), bytesRead: bytes, negotiated: negotiated(clients) })}`);
  closeAll(clients);
}

// Idle: open N connections and hold them until told to go. With `activeBroadcasts`, one
// of them then sends that many `chat` messages, one at a time, each broadcast to all,
// and the harness measures again ("ACTIVE"): the memory of connections that have
// carried traffic (compression contexts, buffers) beside that of idle ones.
async function idle() {
  const started = performance.now();
  const received = new Map();
  const onMessage = config.activeBroadcasts
    ? (ws, data) => {
        const k = sequenceOf(data);
        received.set(k, (received.get(k) || 0) + 1);
      }
    : null;
  const { clients, failed } = await connectMany(config.connections, onMessage, 256);
  send(`READY ${JSON.stringify({ connected: clients.length, failed, firstError, connectSeconds: (performance.now() - started) / 1000, negotiated: negotiated(clients) })}`);
  await waitForGo();
  if (config.activeBroadcasts && clients.length > 0) {
    const pad = padding(config.padding ?? 48);
    for (let k = 0; k < config.activeBroadcasts; k++) {
      clients[0].send(frame('chat', k, pad(k)));
      const deadline = performance.now() + 30000;
      while ((received.get(k) || 0) < clients.length && performance.now() < deadline) await sleep(5);
    }
    send(`ACTIVE ${JSON.stringify({ deliveries: [...received.values()].reduce((a, b) => a + b, 0) })}`);
    await waitForGo();
  }
  send('END');
  send(`RESULT ${JSON.stringify({ connected: clients.length, failed, firstError })}`);
  closeAll(clients);
}

// One stuck reader and `healthy` clients: a healthy client broadcasts `rate` frames a
// second for `durationMs`; the worst time any healthy client waits for any of them.
async function stuck() {
  const padding = 'x'.repeat(config.padding ?? 1024);
  const healthy = config.healthy;
  const sentAt = new Map();
  const remaining = new Map();
  const lateness = [];
  const worstByMessage = [];
  let nextK = 0;
  const { clients, failed } = await connectMany(healthy, (ws, data) => {
    const k = sequenceOf(data);
    const left = remaining.get(k);
    if (left === undefined) return;
    const late = performance.now() - sentAt.get(k);
    lateness.push(late);
    worstByMessage[k] = Math.max(worstByMessage[k] || 0, late);
    if (left > 1) remaining.set(k, left - 1);
    else remaining.delete(k);
  });
  const stuckReader = await connectStuckReader();
  send(`READY ${JSON.stringify({ connected: clients.length, failed })}`);
  await waitForGo();
  const sender = clients[0];
  const start = performance.now();
  const total = Math.round((config.rate * config.durationMs) / 1000);
  while (nextK < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * config.rate) / 1000) + 1);
    while (nextK < due) {
      const k = nextK++;
      remaining.set(k, clients.length);
      sentAt.set(k, performance.now());
      sender.send(frame('chat', k, padding));
    }
    await sleep(2);
  }
  const sendingEnded = performance.now();
  while (remaining.size > 0 && performance.now() - sendingEnded < config.waitMs) await sleep(5);
  const undelivered = [...remaining.values()].reduce((a, b) => a + b, 0);
  // What never arrived counts as at least as late as the wait allowed.
  const censoredAtMs = performance.now() - start;
  const summary = summarise(lateness);
  const worstMs = undelivered > 0 ? Math.max(summary.max ?? 0, censoredAtMs) : summary.max;
  send('END');
  send(`RESULT ${JSON.stringify({ messages: total, deliveries: lateness.length, undelivered, worstMs, censored: undelivered > 0, latenessMs: summary, slowestMessages: worstByMessage.map((ms, k) => [k, Math.round(ms)]).sort((a, b) => b[1] - a[1]).slice(0, 5) })}`);
  stuckReader.kill('SIGKILL');
  closeAll(clients);
}

const scenarios = { echo, fanout, idle, stuck };

scenarios[config.scenario]()
  .then(() => setTimeout(() => process.exit(0), 200))
  .catch((error) => {
    send(`RESULT ${JSON.stringify({ error: String(error && error.stack ? error.stack : error) })}`);
    process.exit(1);
  });
