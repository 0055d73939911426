'use strict';
// The benchmark orchestrator: starts the three servers, then runs every scenario against
// each of them, interleaved within each round (the order rotates from round to round)
// after a warm-up round, reading CPU time from /proc around each measured window. Writes
// medians and ratios to results/ and draws the chart.
//
//   node harness/harness.js [--quick] [--rounds N] [--only scenario,scenario] [--servers a,b] [--out NAME]
//   node harness/harness.js --only cluster [--quick] [--rounds N] [--out NAME]   (harness/cluster.js)
//   --compression off|on|both: clients that offer permessage-deflate as Chromium does ("on"),
//     or each echo and fan-out scenario twice, without and with ("both"); default "off"
//   --baseline NAME: ratios of every other server to NAME
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { freePort } = require('./ports');
const { onLines } = require('./lines');
const http = require('node:http');
const { spawn, spawnSync, execFileSync } = require('node:child_process');
const { drawChart } = require('./chart');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const quick = args.includes('--quick');
const mode = quick ? 'quick' : 'full';

// Durations: --quick stays under two minutes on two cores; full mode under fifteen.
const plan = quick
  ? { rounds: 3, echoMs: 400, fanoutMs: 500, idleConnections: 1000, activeConnections: 500, stuck: { durationMs: 1500, waitMs: 2000 }, warmupScale: 0.5, budgetSeconds: 110, pauseMs: 100 }
  : { rounds: 4, echoMs: 2500, fanoutMs: 2500, idleConnections: 10000, activeConnections: 2000, stuck: { durationMs: 5000, waitMs: 25000 }, warmupScale: 1, budgetSeconds: 860, pauseMs: 300 };
if (option('--rounds')) plan.rounds = Number(option('--rounds'));
const only = option('--only') ? option('--only').split(',') : null;
// The cluster scenario (two nodes and one Redis, beside Socket.IO) has servers of its own
// and runs alone: `--only cluster`.
if (only && only.includes('cluster')) {
  require('./cluster');
  return;
}

// What browsers do: every one offers permessage-deflate. "off" keeps the published runs'
// clients, which never offer it; "on" offers it in every echo and fan-out scenario; "both"
// runs each of them twice, without and with, side by side (ids ending in "+deflate").
const compression = option('--compression') || 'off';
if (!['off', 'on', 'both'].includes(compression)) {
  console.error(`--compression must be off, on or both, was ${compression}`);
  process.exit(2);
}

const BASE_SCENARIOS = [
  { id: 'echo-1', kind: 'echo', connections: 1 },
  { id: 'echo-50', kind: 'echo', connections: 50 },
  { id: 'fanout-100', kind: 'fanout', clients: 100 },
  { id: 'fanout-1000', kind: 'fanout', clients: 1000 },
  { id: 'fanout-5000', kind: 'fanout', clients: 5000 },
  { id: 'stuck-reader', kind: 'stuck', healthy: 100 },
  { id: 'idle', kind: 'idle' },
  // Run when named in --only, or with --compression on/both: an 8 KB JSON message (chat
  // text, 8,000 characters) broadcast to 1,000, and the memory of 2,000 connections idle
  // and then after three broadcasts.
  { id: 'fanout-1000-8k', kind: 'fanout', clients: 1000, padding: 8000, extra: true },
  { id: 'idle-active', kind: 'idle', active: true, extra: true },
  // Only when named: the fan-out to 1,000 at a fixed rate (broadcasts per second) below
  // what a load generator decompressing for 1,000 clients can take, so that compressed and
  // plain runs are compared at the same delivery rate.
  { id: 'fanout-1000-paced', kind: 'fanout', clients: 1000, pace: 12, durationScale: 4, onlyWhenNamed: true },
  { id: 'fanout-1000-8k-paced', kind: 'fanout', clients: 1000, padding: 8000, pace: 5, durationScale: 4, onlyWhenNamed: true },
  // Only when named: the fan-out to 5,000 with one broadcast in flight (the next is sent
  // once every client has the previous one), so that the first delivery and the first
  // client's latency are a broadcast's own, not time spent queued behind the one before.
  { id: 'fanout-5000-single', kind: 'fanout', clients: 5000, window: 1, onlyWhenNamed: true },
  // Only when named (--only idle-50k): as many idle connections as the machine allows, up
  // to 50,000, from 50 loopback source addresses; reports how many opened, the first
  // failure's cause and the time they took. Each process needs a file descriptor per
  // connection: the run script raises `ulimit -n` as far as the hard limit lets it.
  { id: 'idle-50k', kind: 'idle', connections: 50000, onlyWhenNamed: true },
];
const compressible = (scenario) => scenario.kind === 'echo' || scenario.kind === 'fanout' || scenario.active;
const SCENARIOS = BASE_SCENARIOS.filter((scenario) => (only ? only.includes(scenario.id) : !scenario.onlyWhenNamed && !(quick && scenario.id === 'fanout-5000') && (!scenario.extra || compression !== 'off')))
  .flatMap((scenario) => {
    if (compression === 'off' || !compressible(scenario)) return [scenario];
    // Chat-like text rather than one repeated letter, so that it compresses as real traffic does.
    const plain = { ...scenario, text: true };
    const deflate = { ...plain, id: `${scenario.id}+deflate`, compression: true, twinOf: scenario.id };
    return compression === 'both' ? [plain, deflate] : [deflate];
  });

// The same JVM flags for both Spring servers; Tomcat's connection cap (8192 by default)
// is raised so that 10,000 idle connections can be held at all.
const JVM_FLAGS = ['-Xms256m', '-Xmx2g', '-XX:+UseG1GC'];
const SPRING_ARGS = (port) => [
  `--server.port=${port}`,
  '--server.address=127.0.0.1',
  // Tomcat's cap must not be what idle-50k finds first.
  `--server.tomcat.max-connections=${only && only.includes('idle-50k') ? 60000 : 12000}`,
  '--spring.main.banner-mode=off',
  '--logging.level.root=WARN',
];
// JDK 17's G1 refinement zones (buffers of 256 cards): refinement threads start only past
// the green zone, so below it the dirty cards wait for the next pause.
const G1_DEFERRED_REFINEMENT = ['-XX:-G1UseAdaptiveConcRefinement', '-XX:G1ConcRefinementGreenZone=20000', '-XX:G1ConcRefinementYellowZone=30000', '-XX:G1ConcRefinementRedZone=40000'];
const JDK25 = process.env.JDK25_JAVA || '/usr/lib/jvm/temurin-25-jdk-amd64/bin/java';
const SERVERS = {
  starter: (port) => ['java', [...JVM_FLAGS, '-jar', path.join(root, 'servers/starter/target/bench-server-starter.jar'), ...SPRING_ARGS(port)]],
  floor: (port) => ['java', [...JVM_FLAGS, '-jar', path.join(root, 'servers/floor/target/bench-server-floor.jar'), ...SPRING_ARGS(port)]],
  // Investigation only (--servers starter,starter-tomcat,...): the same starter server on
  // Tomcat, as an application that swaps the starter's Jetty for Tomcat builds it.
  'starter-tomcat': (port) => ['java', [...JVM_FLAGS, '-jar', path.join(root, 'servers/starter-tomcat/target/bench-server-starter-tomcat.jar'), ...SPRING_ARGS(port)]],
  // Investigation only: the starter on Tomcat with Tomcat's WebSocket and socket buffers at
  // 2 KB instead of 8 KB, both container-wide settings.
  'starter-lean': (port) => ['java', [...JVM_FLAGS, '-Dorg.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE=2048', '-jar', path.join(root, 'servers/starter-tomcat/target/bench-server-starter-tomcat.jar'), ...SPRING_ARGS(port), '--bench.tomcat.socket-buffer=2048']],
  // Investigation only: the starter on JDK 25 with Tomcat on virtual threads, which makes
  // the handoff Tomcat does after every asynchronous send cheaper.
  'starter-jdk25-vt': (port) => [JDK25, [...JVM_FLAGS, '-jar', path.join(root, 'servers/starter-tomcat/target/bench-server-starter-tomcat.jar'), ...SPRING_ARGS(port), '--spring.threads.virtual.enabled=true']],
  // Investigation only: the starter with the parallel collector instead of G1, whose
  // concurrent card refinement takes a large share of the CPU in big fan-outs.
  'starter-parallel-gc': (port) => ['java', [...JVM_FLAGS.filter((flag) => flag !== '-XX:+UseG1GC'), '-XX:+UseParallelGC', '-jar', path.join(root, 'servers/starter/target/bench-server-starter.jar'), ...SPRING_ARGS(port)]],
  // Investigation only: G1 with concurrent refinement deferred to the pauses (fixed zones far
  // above what a second of broadcasts fills), so that a card dirtied by many deliveries
  // between two young collections is scanned once; on Jetty and on Tomcat, and Tomcat with
  // the parallel collector.
  'starter-g1-deferred': (port) => ['java', [...JVM_FLAGS, ...G1_DEFERRED_REFINEMENT, '-jar', path.join(root, 'servers/starter/target/bench-server-starter.jar'), ...SPRING_ARGS(port)]],
  'starter-tomcat-g1-deferred': (port) => ['java', [...JVM_FLAGS, ...G1_DEFERRED_REFINEMENT, '-jar', path.join(root, 'servers/starter-tomcat/target/bench-server-starter-tomcat.jar'), ...SPRING_ARGS(port)]],
  'starter-tomcat-parallel-gc': (port) => ['java', [...JVM_FLAGS.filter((flag) => flag !== '-XX:+UseG1GC'), '-XX:+UseParallelGC', '-jar', path.join(root, 'servers/starter-tomcat/target/bench-server-starter-tomcat.jar'), ...SPRING_ARGS(port)]],
  // Investigation only: both containers on JDK 25 with compact object headers (JEP 519),
  // 8-byte instead of 12-byte object headers: less memory for each delivery to touch.
  'starter-jdk25': (port) => [JDK25, [...JVM_FLAGS, '-XX:+UseCompactObjectHeaders', '-jar', path.join(root, 'servers/starter/target/bench-server-starter.jar'), ...SPRING_ARGS(port)]],
  'starter-tomcat-jdk25': (port) => [JDK25, [...JVM_FLAGS, '-XX:+UseCompactObjectHeaders', '-jar', path.join(root, 'servers/starter-tomcat/target/bench-server-starter-tomcat.jar'), ...SPRING_ARGS(port)]],
  // Metrics on: the starter-tomcat server with actuator and a Prometheus registry, so every
  // meter and handler observation is recorded; compare with starter-tomcat, metrics off.
  'starter-metrics': (port) => ['java', [...JVM_FLAGS, '-jar', path.join(root, 'servers/starter-metrics/target/bench-server-starter-metrics.jar'), ...SPRING_ARGS(port), '--management.endpoints.web.exposure.include=prometheus']],
  // Investigation only: a starter server jar built from another commit, for before/after runs.
  'starter-before': (port) => ['java', [...JVM_FLAGS, '-jar', process.env.STARTER_BEFORE_JAR || path.join(root, 'results/starter-before.jar'), ...SPRING_ARGS(port)]],
  // Investigation only: the same for the Tomcat twin, so that one run compares both containers' before and after.
  'starter-tomcat-before': (port) => ['java', [...JVM_FLAGS, '-jar', process.env.STARTER_TOMCAT_BEFORE_JAR || path.join(root, 'results/starter-tomcat-before.jar'), ...SPRING_ARGS(port)]],
  node: (port) => ['node', ['--expose-gc', path.join(root, 'servers/node/server.js'), String(port)]],
};
// Investigation only: the starter on Jetty (starter-deflate-*), on Tomcat
// (starter-tomcat-deflate-*) and built from another commit (starter-before-deflate-*,
// starter-tomcat-before-deflate-*) with each value of ambiorix.websocket.compression.
for (const [suffix, value] of [['off', 'off'], ['ct', 'context-takeover'], ['nct', 'no-context-takeover']]) {
  for (const base of ['starter', 'starter-tomcat', 'starter-before', 'starter-tomcat-before']) {
    SERVERS[`${base}-deflate-${suffix}`] = (port) => {
      const [command, commandArgs] = SERVERS[base](port);
      return [command, [...commandArgs, `--ambiorix.websocket.compression=${value}`]];
    };
  }
}
const serverNames = option('--servers') ? option('--servers').split(',') : ['starter', 'floor', 'node'];
const unknownServers = serverNames.filter((name) => !SERVERS[name]);
if (unknownServers.length > 0) {
  console.error(`unknown server(s): ${unknownServers.join(', ')}; known: ${Object.keys(SERVERS).join(', ')}`);
  process.exit(2);
}

// --out NAME writes to results/NAME/ (investigations); quick runs to results/quick/.
const outDir = path.join(root, 'results', option('--out') || (quick ? 'quick' : ''));
const logDir = path.join(outDir, 'logs');
fs.mkdirSync(logDir, { recursive: true });
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (...parts) => console.log(`[${((Date.now() - startedAt) / 1000).toFixed(1).padStart(6)}s]`, ...parts);
const startedAt = Date.now();

function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may contain spaces, start after ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

function procStatus(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number((status.match(new RegExp(`^${name}:\\s+(\\d+)`, 'm')) || [])[1]);
  return { rssKb: field('VmRSS'), threads: field('Threads') };
}

function httpGet(port, pathname, timeoutMs = 30000) {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: pathname, timeout: timeoutMs }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode, body }));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', reject);
  });
}

async function startServer(name) {
  const port = await freePort();
  const [command, commandArgs] = SERVERS[name](port);
  const out = fs.openSync(path.join(logDir, `${name}.log`), 'w');
  const child = spawn(command, commandArgs, { stdio: ['ignore', out, out] });
  const deadline = Date.now() + 90000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}; see ${logDir}/${name}.log`);
    try {
      await httpGet(port, '/bench/ready', 2000);
      return { name, port, pid: child.pid, child };
    } catch {
      await sleep(200);
    }
  }
  throw new Error(`${name} did not start within 90 s`);
}

const loadgens = new Set();

/** Run one load generator process; measure CPU around its window. */
function runLoadgen(server, config, { onReady, onActive } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn('node', [path.join(root, 'loadgen/loadgen.js'), JSON.stringify({ ...config, port: server.port })], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    loadgens.add(child);
    child.on('exit', () => loadgens.delete(child));
    let ready = null;
    let before = null;
    let after = null;
    let activeExtra;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`load generator for ${config.scenario} on ${server.name} timed out`));
    }, config.timeoutMs);
    onLines(child.stdout, async (line) => {
      if (line.startsWith('ACTIVE')) {
        activeExtra = onActive ? await onActive(JSON.parse(line.slice(7))) : undefined;
        child.stdin.write('GO\n');
      } else if (line.startsWith('READY')) {
        ready = JSON.parse(line.slice(6));
        const extra = onReady ? await onReady(ready) : undefined;
        before = { wall: process.hrtime.bigint(), server: cpuSeconds(server.pid), loadgen: cpuSeconds(child.pid), extra };
        child.stdin.write('GO\n');
      } else if (line === 'END') {
        after = { wall: process.hrtime.bigint(), server: cpuSeconds(server.pid), loadgen: cpuSeconds(child.pid) };
      } else if (line.startsWith('RESULT')) {
        const result = JSON.parse(line.slice(7));
        clearTimeout(timer);
        child.once('exit', () => {});
        if (!before || !after) return resolve({ ready, result, activeExtra });
        const wallSeconds = Number(after.wall - before.wall) / 1e9;
        resolve({
          ready,
          result,
          extra: before.extra,
          activeExtra,
          wallSeconds,
          serverCpuSeconds: after.server - before.server,
          loadgenCpuShare: (after.loadgen - before.loadgen) / wallSeconds,
          serverCpuShare: (after.server - before.server) / wallSeconds,
        });
      }
    });
    child.on('exit', (code) => {
      if (code !== 0 && !after) {
        clearTimeout(timer);
        reject(new Error(`load generator for ${config.scenario} on ${server.name} exited with ${code}`));
      }
    });
  });
}

async function heapUsed(server) {
  const response = await httpGet(server.port, '/bench/heap');
  return JSON.parse(response.body).heapUsed;
}

async function runScenario(server, scenario, scale, warmupRound = false) {
  const ms = (value) => Math.max(200, Math.round(value * scale));
  const payload = { compression: Boolean(scenario.compression), text: Boolean(scenario.text), ...(scenario.padding ? { padding: scenario.padding } : {}) };
  switch (scenario.kind) {
    case 'echo': {
      const run = await runLoadgen(server, { scenario: 'echo', connections: scenario.connections, durationMs: ms(plan.echoMs), timeoutMs: 60000, ...payload });
      const r = run.result;
      return {
        negotiated: r.negotiated,
        bytesPerMsg: r.bytesRead / r.messages,
        msgsPerSec: r.perSecond,
        rttP50Ms: r.rttMs.p50,
        rttP99Ms: r.rttMs.p99,
        serverCpuUsPerMsg: (run.serverCpuSeconds * 1e6) / r.messages,
        serverCpuShare: run.serverCpuShare,
        loadgenCpuShare: run.loadgenCpuShare,
      };
    }
    case 'fanout': {
      // probe: every client counted by the server before the window, or a client the server
      // has not counted yet misses the first broadcasts and the window stalls on them.
      const run = await runLoadgen(server, { scenario: 'fanout', clients: scenario.clients, durationMs: ms(plan.fanoutMs) * (scenario.durationScale ?? 1), window: scenario.window ?? 2, timeoutMs: 120000, probe: true, ...(scenario.pace ? { broadcastsPerSec: scenario.pace } : {}), ...payload });
      const r = run.result;
      if (r.error) return { error: r.error };
      return {
        negotiated: r.negotiated,
        bytesPerDelivery: r.bytesRead / r.deliveries,
        deliveriesPerSec: r.perSecond,
        lastClientP50Ms: r.lastClientMs.p50,
        lastClientP99Ms: r.lastClientMs.p99,
        firstDeliveryP50Ms: r.firstDeliveryMs.p50,
        firstDeliveryP99Ms: r.firstDeliveryMs.p99,
        firstClientP50Ms: r.firstClientMs.p50,
        firstClientP99Ms: r.firstClientMs.p99,
        broadcasts: r.broadcasts,
        serverCpuUsPerDelivery: (run.serverCpuSeconds * 1e6) / r.deliveries,
        serverCpuShare: run.serverCpuShare,
        loadgenCpuShare: run.loadgenCpuShare,
      };
    }
    case 'stuck': {
      const run = await runLoadgen(server, {
        scenario: 'stuck',
        healthy: scenario.healthy,
        // 7 KB frames (under the 8,192 characters that the floor's Tomcat accepts as a
        // whole message), 100 a second: 700 KB/s to each client, so that within seconds
        // the stuck reader holds more than the kernel buffers between it and the server
        // (megabytes on loopback), while the healthy clients keep up easily.
        rate: 100,
        padding: 7000,
        durationMs: ms(plan.stuck.durationMs),
        // The warm-up only compiles the path; it need not wait out a stall.
        waitMs: scale < 1 || warmupRound ? 1000 : plan.stuck.waitMs,
        timeoutMs: plan.stuck.waitMs + 60000,
      });
      const r = run.result;
      return {
        worstDeliveryMs: r.worstMs,
        censored: r.censored,
        p99DeliveryMs: r.latenessMs.p99,
        undelivered: r.undelivered,
        serverCpuShare: run.serverCpuShare,
        loadgenCpuShare: run.loadgenCpuShare,
      };
    }
    case 'idle': {
      await sleep(plan.pauseMs * 3);
      const heapBefore = await heapUsed(server);
      const statusBefore = procStatus(server.pid);
      const connections = scenario.active ? plan.activeConnections : plan.idleConnections;
      const run = await runLoadgen(
        server,
        { scenario: 'idle', connections: scenario.connections ?? connections, timeoutMs: scenario.connections ? 420000 : 180000, ...payload, ...(scenario.active ? { activeBroadcasts: 3 } : {}) },
        {
          onReady: async () => {
            await sleep(plan.pauseMs * 3);
            // A server out of file descriptors (idle-50k) cannot accept the request that
            // reads its heap: the other figures still count.
            const heapAfter = await heapUsed(server).catch(() => null);
            return { heapAfter, statusAfter: procStatus(server.pid) };
          },
          onActive: async () => {
            await sleep(plan.pauseMs * 3);
            return { heapActive: await heapUsed(server), statusActive: procStatus(server.pid) };
          },
        }
      );
      const connected = run.ready.connected;
      const { heapAfter, statusAfter } = run.extra;
      const active = run.activeExtra
        ? {
            activeHeapKbPerConnection: (run.activeExtra.heapActive - heapBefore) / 1024 / connected,
            activeRssKbPerConnection: (run.activeExtra.statusActive.rssKb - statusBefore.rssKb) / connected,
          }
        : {};
      return {
        negotiated: run.ready.negotiated,
        ...active,
        connections: connected,
        failed: run.ready.failed,
        firstError: run.ready.firstError,
        threadsPerThousand: (statusAfter.threads - statusBefore.threads) / (connected / 1000),
        heapKbPerConnection: heapAfter === null ? null : (heapAfter - heapBefore) / 1024 / connected,
        rssKbPerConnection: (statusAfter.rssKb - statusBefore.rssKb) / connected,
        rssMb: statusAfter.rssKb / 1024,
        threads: statusAfter.threads,
        connectSeconds: run.ready.connectSeconds,
      };
    }
    default:
      throw new Error(scenario.kind);
  }
}

function median(values) {
  const sorted = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function machine() {
  const cpu = os.cpus();
  // `java -version` prints to standard error.
  const javaVersion = spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr.split('\n')[1] || 'java';
  return {
    date: new Date().toISOString(),
    cpu: `${cpu.length} × ${cpu[0].model}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    java: javaVersion.trim(),
    node: process.version,
    ws: require(path.join(root, 'node_modules/ws/package.json')).version,
    loadAverageAtStart: os.loadavg(),
  };
}

// The metrics per scenario kind, in table order: [key, label, better ("higher"/"lower"), format].
const METRICS = {
  echo: [
    ['msgsPerSec', 'msgs/s', 'higher', 0],
    ['rttP50Ms', 'RTT p50 ms', 'lower', 3],
    ['rttP99Ms', 'RTT p99 ms', 'lower', 3],
    ['serverCpuUsPerMsg', 'server CPU µs/msg', 'lower', 1],
    ['bytesPerMsg', 'bytes on the wire/reply', 'lower', 1],
    ['loadgenCpuShare', 'load generator CPU (cores)', null, 2],
  ],
  fanout: [
    ['deliveriesPerSec', 'deliveries/s', 'higher', 0],
    ['lastClientP50Ms', 'last client p50 ms', 'lower', 2],
    ['lastClientP99Ms', 'last client p99 ms', 'lower', 2],
    // The earliest receipt among all clients, and the receipt by the client that connected
    // first (the sender), each minus the send time: how soon a broadcast starts to arrive.
    ['firstDeliveryP50Ms', 'first delivery p50 ms', 'lower', 2],
    ['firstDeliveryP99Ms', 'first delivery p99 ms', 'lower', 2],
    ['firstClientP50Ms', 'first-connected client p50 ms', 'lower', 2],
    ['firstClientP99Ms', 'first-connected client p99 ms', 'lower', 2],
    ['serverCpuUsPerDelivery', 'server CPU µs/delivery', 'lower', 2],
    ['bytesPerDelivery', 'bytes on the wire/delivery', 'lower', 1],
    ['loadgenCpuShare', 'load generator CPU (cores)', null, 2],
  ],
  stuck: [
    ['worstDeliveryMs', 'worst healthy delivery ms', 'lower', 1],
    ['p99DeliveryMs', 'healthy delivery p99 ms', 'lower', 1],
    ['undelivered', 'undelivered at the end of the wait', 'lower', 0],
  ],
  idle: [
    ['connections', 'connections held', 'higher', 0],
    ['heapKbPerConnection', 'heap KB/connection (after GC)', 'lower', 1],
    ['rssKbPerConnection', 'RSS KB/connection', 'lower', 1],
    ['activeHeapKbPerConnection', 'heap KB/connection after 3 broadcasts (after GC)', 'lower', 1],
    ['activeRssKbPerConnection', 'RSS KB/connection after 3 broadcasts', 'lower', 1],
    ['rssMb', 'RSS MB', 'lower', 0],
    ['threads', 'threads', 'lower', 0],
    ['threadsPerThousand', 'threads added per 1,000 connections', 'lower', 1],
    ['failed', 'connections failed', 'lower', 0],
    ['connectSeconds', 'seconds to open them all', 'lower', 1],
  ],
};

function summarise(rounds) {
  const medians = {};
  for (const scenario of SCENARIOS) {
    medians[scenario.id] = {};
    for (const server of serverNames) {
      const values = rounds.map((round) => round[server] && round[server][scenario.id]).filter(Boolean);
      const entry = {};
      for (const [key] of METRICS[scenario.kind]) entry[key] = median(values.map((v) => v[key]));
      entry.rounds = values.length;
      const agreed = [...new Set(values.map((v) => v.negotiated).filter(Boolean))];
      if (agreed.length) entry.negotiated = agreed.join(' / ');
      if (scenario.kind === 'stuck') entry.censored = values.some((v) => v.censored);
      const firstErrors = [...new Set(values.map((v) => v.firstError).filter(Boolean))];
      if (firstErrors.length) entry.firstErrors = firstErrors;
      const errors = values.filter((v) => v.error).map((v) => v.error);
      if (errors.length) entry.errors = errors;
      medians[scenario.id][server] = entry;
    }
  }
  return medians;
}

function format(value, digits) {
  if (value === null || value === undefined) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function ratio(a, b) {
  if (a === null || b === null || a === undefined || b === undefined || b === 0) return '—';
  return `${(a / b).toFixed(2)}×`;
}

function markdown(info, medians, roundsCompleted) {
  const lines = [];
  lines.push(`# Benchmark results (${mode} mode)`);
  lines.push('');
  lines.push(`${info.date} · ${info.cpu} · ${info.memoryGiB} GiB · Linux ${info.kernel} · ${info.java} · Node ${info.node} · ws ${info.ws}`);
  lines.push(`Medians of ${roundsCompleted} interleaved rounds after a warm-up round; ratios are of medians (for times and CPU, below 1 is better).`);
  lines.push('Other work may have run on the machine at the same time; ratios measured side by side in one run are what matter.');
  lines.push('');
  const baseline = option('--baseline');
  const ratios = baseline
    ? serverNames.filter((s) => s !== baseline).map((s) => [s, baseline, `${s} ÷ ${baseline}`])
    : [
    ['starter', 'floor', 'starter ÷ floor'],
    ['starter', 'node', 'starter ÷ node'],
    ['starter', 'starter-before', 'starter ÷ before'],
    ['starter-metrics', 'starter-tomcat', 'metrics on ÷ off'],
    // Variants of the starter (container, buffers, JDK) against the starter as shipped.
    ...serverNames.filter((s) => s.startsWith('starter-') && s !== 'starter-before' && s !== 'starter-metrics').map((s) => [s, 'starter', `${s} ÷ starter`]),
  ].filter(([a, b]) => serverNames.includes(a) && serverNames.includes(b));
  if (compression !== 'off') {
    lines.push(`Clients ${compression === 'both' ? 'without compression, and' : ''} offering \`permessage-deflate; client_max_window_bits\` as Chromium does (\`+deflate\`); what each server agreed to is under each table.`);
    lines.push('');
  }
  if (compression === 'both') lines.push(...compressionTable(medians), '');
  for (const scenario of SCENARIOS) {
    const header = ['metric', ...serverNames, ...ratios.map(([, , label]) => label)];
    lines.push(`## ${scenario.id}`);
    lines.push('');
    lines.push(`| ${header.join(' | ')} |`);
    lines.push(`|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
    const m = medians[scenario.id];
    for (const [key, label, , digits] of METRICS[scenario.kind]) {
      const row = [label, ...serverNames.map((s) => format(m[s][key], digits) + (scenario.kind === 'stuck' && key === 'worstDeliveryMs' && m[s].censored ? ' (≥, censored)' : ''))];
      for (const [a, b] of ratios) row.push(ratio(m[a][key], m[b][key]));
      lines.push(`| ${row.join(' | ')} |`);
    }
    const agreed = serverNames.filter((s) => m[s].negotiated).map((s) => `${s}: ${m[s].negotiated}`);
    if (scenario.compression && agreed.length) lines.push('', `Negotiated: ${agreed.join('; ')}`);
    const errors = serverNames.flatMap((s) => (medians[scenario.id][s].errors || []).map((e) => `${s}: ${e}`));
    if (errors.length) lines.push('', `Errors: ${errors.join('; ')}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** Each scenario without and with compression offered, side by side: off, offered, ratio. */
function compressionTable(medians) {
  const lines = ['## Without and with compression offered', ''];
  const header = ['scenario: metric', ...serverNames.flatMap((s) => [`${s} without`, `${s} offered`, `${s} ×`])];
  lines.push(`| ${header.join(' | ')} |`);
  lines.push(`|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
  for (const scenario of SCENARIOS.filter((s) => s.twinOf)) {
    const plain = medians[scenario.twinOf];
    const deflate = medians[scenario.id];
    for (const [key, label, better, digits] of METRICS[scenario.kind]) {
      if (!better) continue;
      const row = [`${scenario.twinOf}: ${label}`];
      for (const s of serverNames) row.push(format(plain[s][key], digits), format(deflate[s][key], digits), ratio(deflate[s][key], plain[s][key]));
      if (row.slice(1).every((cell) => cell === '—')) continue;
      lines.push(`| ${row.join(' | ')} |`);
    }
  }
  return lines;
}

const running = [];
// The run is bounded by `timeout`, which sends SIGTERM: never leave a server behind.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    for (const server of running) server.child.kill('SIGKILL');
    process.exit(124);
  });
}
// Nor after a failure nobody caught.
process.on('exit', () => {
  for (const server of running) server.child.kill('SIGKILL');
  for (const child of loadgens) child.kill('SIGKILL');
});

async function main() {
  const info = machine();
  log(`mode ${mode}: ${plan.rounds} rounds after a warm-up; servers ${serverNames.join(', ')}; scenarios ${SCENARIOS.map((s) => s.id).join(', ')}`);
  const servers = {};
  try {
    for (const name of serverNames) {
      servers[name] = await startServer(name);
      running.push(servers[name]);
      log(`started ${name} on port ${servers[name].port} (pid ${servers[name].pid})`);
    }
    const rounds = [];
    const write = () => {
      const medians = summarise(rounds);
      const output = { mode, plan, machine: info, servers: serverNames, scenarios: SCENARIOS, medians, rounds, roundsCompleted: rounds.length, durationSeconds: (Date.now() - startedAt) / 1000 };
      fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify(output, null, 2) + '\n');
      fs.writeFileSync(path.join(outDir, 'results.md'), markdown(info, medians, rounds.length) + '\n');
      fs.writeFileSync(path.join(outDir, 'chart.svg'), drawChart(output));
      return medians;
    };
    // Scenario by scenario, the servers one after another in an order that rotates each
    // round, so that the three measurements of a scenario are close in time and drifting
    // background load on a shared machine touches them alike.
    let lastRoundSeconds = 0;
    for (let round = 0; round <= plan.rounds; round++) {
      const elapsed = (Date.now() - startedAt) / 1000;
      if (round > 1 && elapsed + lastRoundSeconds > plan.budgetSeconds) {
        log(`stopping after ${rounds.length} rounds: another would exceed the ${plan.budgetSeconds} s budget`);
        break;
      }
      const roundStarted = Date.now();
      const warmup = round === 0;
      const order = serverNames.map((_, i) => serverNames[(i + round) % serverNames.length]);
      const results = Object.fromEntries(order.map((name) => [name, {}]));
      for (const scenario of SCENARIOS) {
        // The warm-up compiles the hot paths; holding idle connections runs none.
        if (warmup && scenario.kind === 'idle') continue;
        for (const name of order) {
          try {
            results[name][scenario.id] = await runScenario(servers[name], scenario, warmup ? plan.warmupScale : 1, warmup);
          } catch (error) {
            results[name][scenario.id] = { error: String(error.message || error) };
          }
          log(`${warmup ? 'warm-up' : `round ${round}`} ${name} ${scenario.id}: ${JSON.stringify(results[name][scenario.id])}`);
          await sleep(plan.pauseMs);
        }
      }
      if (!warmup) {
        rounds.push(results);
        // Written after every round, so that a run cut short still leaves its numbers.
        write();
        lastRoundSeconds = (Date.now() - roundStarted) / 1000;
      }
    }
    const medians = write();
    if (servers['starter-metrics']) {
      // The evidence that metrics were on: what the Prometheus registry counted.
      const scrape = await httpGet(servers['starter-metrics'].port, '/actuator/prometheus');
      const ambiorix = scrape.body.split('\n').filter((line) => line.startsWith('ambiorix_')).join('\n');
      fs.writeFileSync(path.join(outDir, 'prometheus.txt'), ambiorix + '\n');
      log(`starter-metrics: ${ambiorix.split('\n').length} ambiorix_ series scraped into prometheus.txt`);
    }
    log(`wrote ${path.relative(process.cwd(), outDir) || '.'}/results.{json,md} and chart.svg`);
    console.log('\n' + markdown(info, medians, rounds.length));
  } finally {
    for (const server of Object.values(servers)) server.child.kill('SIGKILL');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
