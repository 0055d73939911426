'use strict';
// The cluster scenario (issue 9): a fan-out to 1,000 clients on one node and on two nodes
// behind one Redis, for the starter and for Socket.IO 4 with its Redis streams adapter.
// Started by harness.js for `--only cluster`.
//
//   benchmarks/run --only cluster [--rounds N] [--quick] [--out NAME] [--streams N]
//
// One `redis-server` (no persistence) on a free port serves both clusters; four systems:
//   starter-1   the starter, one node, ambiorix.cluster.mode=local (the default)
//   starter-2   two starter nodes, ambiorix.cluster.mode=redis, 500 clients on each
//   socketio-1  Socket.IO, one node, no adapter
//   socketio-2  two Socket.IO nodes with @socket.io/redis-streams-adapter, 500 clients on each
// The sender is always a client of the first node, so on two nodes half the deliveries
// cross Redis. CPU time of every node, of Redis and of the load generator is read from
// /proc around each measured window; Redis's XADD and XREAD counts from INFO commandstats.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const { freePort } = require('./ports');
const { onLines } = require('./lines');
const http = require('node:http');
const { spawn, spawnSync, execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const quick = args.includes('--quick');
// --clients and --window change the fan-out, --systems runs a subset: with 10 clients and
// many broadcasts in flight, the same harness measures how many envelopes per second cross
// Redis and what each costs it (`--clients 10 --window 16 --systems starter-2,socketio-2`).
const CLIENTS = Number(option('--clients') || 1000);
const WINDOW = Number(option('--window') || 2);
// --streams N spreads starter-2's relay over N streams (ambiorix.cluster.streams): on this
// one Redis it shows what the extra readers cost, not a gain (Redis runs commands on one
// thread); the streams pay off on Redis Cluster, where they can land on other shards.
const STREAMS = Number(option('--streams') || 1);
// Each round runs the four systems once (connecting 1,000 clients, then a window; under
// a minute a round even on a loaded machine). Before the rounds, each system warms up
// until it is steady: a first window five times as long as a measured one (20 s), then,
// for the JVMs, further windows of 8 s until the JIT compiler threads (C1, C2) take less
// than 5 % of the nodes' CPU in a window, at most 60 s of windows in all; Socket.IO's nodes
// (whose V8 compiler threads cannot be told apart here) then warm up as long as the
// longest JVM did, so that both sides are measured after the same warm-up. After one 20 s
// window the compiler threads still took a fifth of starter-2's CPU in the rounds: what a
// long-running server does not pay. The compiler threads' share is measured in every
// window and every warm-up window is recorded. The whole scenario stays under 12 minutes,
// servers' start-up included.
const plan = quick
  ? { rounds: 1, fanoutMs: 2000, warmupScale: 2, warmupStepMs: 2000, warmupCapMs: 8000, jitSettledShare: 0.05, budgetSeconds: 240, roundLimitSeconds: 120, pauseMs: 200 }
  : { rounds: 4, fanoutMs: 4000, warmupScale: 5, warmupStepMs: 8000, warmupCapMs: 60000, jitSettledShare: 0.05, budgetSeconds: 600, roundLimitSeconds: 120, pauseMs: 500 };
// --warmup fixed keeps the single first window (the runs before 27 November).
if (option('--warmup') === 'fixed') plan.warmupCapMs = plan.fanoutMs * plan.warmupScale;
if (option('--rounds')) plan.rounds = Number(option('--rounds'));

const outDir = path.join(root, 'results', option('--out') || (quick ? 'quick/cluster' : 'cluster'));
const logDir = path.join(outDir, 'logs');
fs.mkdirSync(logDir, { recursive: true });
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
const startedAt = Date.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (...parts) => console.log(`[${((Date.now() - startedAt) / 1000).toFixed(1).padStart(6)}s]`, ...parts);

// The same JVM flags as the other scenarios (harness.js).
const JVM_FLAGS = ['-Xms256m', '-Xmx2g', '-XX:+UseG1GC'];
// --starter-jar PATH runs another build of the bench server (a before-and-after comparison).
const starterJar = option('--starter-jar') ? path.resolve(option('--starter-jar')) : path.join(root, 'servers/starter/target/bench-server-starter.jar');
const starter = (port, extra = []) => [
  'java',
  [...JVM_FLAGS, '-jar', starterJar, `--server.port=${port}`, '--server.address=127.0.0.1', '--spring.main.banner-mode=off', '--logging.level.root=WARN', ...extra],
];
const starterInRedisMode = (redisPort) => [
  // The bench server leaves Spring Data Redis's auto-configuration off unless told.
  '--spring.autoconfigure.exclude=',
  '--ambiorix.cluster.mode=redis',
  '--spring.data.redis.host=127.0.0.1',
  `--spring.data.redis.port=${redisPort}`,
  '--ambiorix.cluster.prefix=bench',
  `--ambiorix.cluster.streams=${STREAMS}`,
];
const socketio = (port, redisUrl) => ['node', [path.join(root, 'servers/socketio/server.js'), String(port), ...(redisUrl ? [redisUrl] : [])]];

const ALL_SYSTEMS = [
  { id: 'starter-1', protocol: 'ambiorix', nodes: () => [starter] },
  { id: 'starter-2', protocol: 'ambiorix', redis: true, nodes: (redisPort) => [1, 2].map(() => (port) => starter(port, starterInRedisMode(redisPort))) },
  { id: 'socketio-1', protocol: 'socketio', nodes: () => [(port) => socketio(port)] },
  { id: 'socketio-2', protocol: 'socketio', redis: true, nodes: (redisPort) => [1, 2].map(() => (port) => socketio(port, `redis://127.0.0.1:${redisPort}`)) },
];

const SYSTEMS = option('--systems') ? ALL_SYSTEMS.filter((system) => option('--systems').split(',').includes(system.id)) : ALL_SYSTEMS;

function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** CPU time of a JVM's JIT compiler threads (C1, C2), 0 for other processes. */
function compilerSeconds(pid) {
  let ticks = 0;
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      if (!/^C[12] CompilerThre/.test(fs.readFileSync(`/proc/${pid}/task/${task}/comm`, 'utf8'))) continue;
      const stat = fs.readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the thread has gone
    }
  }
  return ticks / CLK_TCK;
}

function httpGet(port, pathname, timeoutMs) {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: pathname, timeout: timeoutMs }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', reject);
  });
}

/** One Redis command, inline, on a fresh connection: the reply's text. */
function redisCommand(port, command, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    const timer = setTimeout(() => socket.destroy(new Error(`redis ${command}: timeout`)), timeoutMs);
    socket.on('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      // A simple reply ends at its first CRLF; a bulk reply ("$<length>") once it is whole.
      const bulk = reply.match(/^\$(\d+)\r\n/);
      if ((bulk && Buffer.byteLength(reply) >= bulk[0].length + Number(bulk[1]) + 2) || (!bulk && reply.includes('\r\n') && reply[0] !== '$')) {
        clearTimeout(timer);
        socket.end();
        resolve(reply);
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/**
 * Redis's command counts, and its CPU time as getrusage gives it in INFO (microseconds,
 * where /proc's clock ticks of 10 ms are too coarse for the few percent of a core Redis
 * takes in a window of seconds).
 */
async function redisCommandStats(port) {
  const info = await redisCommand(port, 'INFO cpu commandstats');
  const calls = (command) => Number((info.match(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm')) || [])[1] || 0);
  const field = (name) => Number((info.match(new RegExp(`^${name}:([\\d.]+)`, 'm')) || [])[1] || 0);
  return { xadd: calls('xadd'), xread: calls('xread'), cpu: field('used_cpu_sys') + field('used_cpu_user') };
}

const running = [];
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    for (const child of running) child.kill('SIGKILL');
    process.exit(124);
  });
}

function spawnLogged(name, command, commandArgs) {
  const out = fs.openSync(path.join(logDir, `${name}.log`), 'w');
  const child = spawn(command, commandArgs, { stdio: ['ignore', out, out] });
  running.push(child);
  return child;
}

async function startRedis() {
  const port = await freePort();
  const child = spawnLogged('redis', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}; see ${logDir}/redis.log`);
    try {
      if ((await redisCommand(port, 'PING', 1000)).startsWith('+PONG')) return { port, pid: child.pid, child };
    } catch {
      await sleep(100);
    }
  }
  throw new Error('redis-server did not answer within 15 s');
}

async function startNode(name, command) {
  const port = await freePort();
  const [executable, commandArgs] = command(port);
  const child = spawnLogged(name, executable, commandArgs);
  // Three JVMs start at once on a shared machine: allow for it.
  const deadline = Date.now() + 180000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}; see ${logDir}/${name}.log`);
    try {
      await httpGet(port, '/bench/ready', 2000);
      return { name, port, pid: child.pid, child };
    } catch {
      await sleep(300);
    }
  }
  throw new Error(`${name} did not start within 180 s`);
}

/** One fan-out run against a system's nodes; CPU of nodes, Redis and generator around the window. */
function runFanout(system, redis, durationMs) {
  return new Promise((resolve, reject) => {
    const config = { scenario: 'fanout', clients: CLIENTS, ports: system.nodes.map((node) => node.port), protocol: system.protocol, durationMs, window: WINDOW, probe: true };
    const child = spawn('node', [path.join(root, 'loadgen/loadgen.js'), JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`load generator for ${system.id} timed out`));
    }, plan.roundLimitSeconds * 1000);
    const sample = async () => ({
      wall: process.hrtime.bigint(),
      nodes: system.nodes.map((node) => cpuSeconds(node.pid)),
      compilers: system.nodes.map((node) => compilerSeconds(node.pid)),
      redis: cpuSeconds(redis.pid),
      loadgen: cpuSeconds(child.pid),
    });
    let before = null;
    let after = null;
    let stats = null;
    onLines(child.stdout, async (line) => {
      if (line.startsWith('READY')) {
        const statsBefore = await redisCommandStats(redis.port);
        before = await sample();
        before.stats = statsBefore;
        child.stdin.write('GO\n');
      } else if (line === 'END') {
        after = await sample();
        stats = redisCommandStats(redis.port);
      } else if (line.startsWith('RESULT')) {
        clearTimeout(timer);
        const result = JSON.parse(line.slice(7));
        if (result.error || !before || !after) return resolve({ error: result.error || 'no measured window' });
        const statsAfter = await stats;
        const seconds = Number(after.wall - before.wall) / 1e9;
        const nodesCpu = after.nodes.reduce((sum, value, i) => sum + value - before.nodes[i], 0);
        // CPU from /proc, as for the nodes; per envelope from INFO's finer figure.
        const redisCpu = after.redis - before.redis;
        const compilerCpu = after.compilers.reduce((sum, value, i) => sum + value - before.compilers[i], 0);
        const redisInfoCpu = statsAfter.cpu - before.stats.cpu;
        const xadds = statsAfter.xadd - before.stats.xadd;
        const deliveries = result.deliveries;
        resolve({
          deliveriesPerSec: result.perSecond,
          lastClientP50Ms: result.lastClientMs.p50,
          lastClientP99Ms: result.lastClientMs.p99,
          broadcasts: result.broadcasts,
          nodesCpuUsPerDelivery: deliveries ? (nodesCpu * 1e6) / deliveries : null,
          jitCpuUsPerDelivery: deliveries && system.protocol === 'ambiorix' ? (compilerCpu * 1e6) / deliveries : null,
          clusterCpuUsPerDelivery: deliveries ? ((nodesCpu + redisCpu) * 1e6) / deliveries : null,
          redisCpuUsPerEnvelope: system.redis && xadds > 0 ? (redisInfoCpu * 1e6) / xadds : null,
          xadds,
          envelopesPerSec: xadds / seconds,
          xreads: statsAfter.xread - before.stats.xread,
          nodesCpuShare: nodesCpu / seconds,
          redisCpuShare: redisCpu / seconds,
          redisInfoCpuShare: redisInfoCpu / seconds,
          loadgenCpuShare: (after.loadgen - before.loadgen) / seconds,
          loadAverage1m: os.loadavg()[0],
        });
      }
    });
    child.on('exit', (code) => {
      if (code !== 0 && !after) {
        clearTimeout(timer);
        reject(new Error(`load generator for ${system.id} exited with ${code}`));
      }
    });
  });
}

/** The JIT compiler threads' share of the nodes' CPU in one window (JVMs only). */
const jitShare = (result) => (result && !result.error && result.jitCpuUsPerDelivery !== null && result.nodesCpuUsPerDelivery ? result.jitCpuUsPerDelivery / result.nodesCpuUsPerDelivery : null);

/**
 * Warms a system up until it is steady (see plan): its last window's result, with every
 * window's duration, JIT share and CPU per delivery under `warmup`.
 */
async function warmUp(system, redis, longestJvmWarmupMs) {
  const windows = [];
  let spentMs = 0;
  let result = null;
  const first = Math.round(plan.fanoutMs * plan.warmupScale);
  const target = system.protocol === 'ambiorix' ? plan.warmupCapMs : Math.min(plan.warmupCapMs, Math.max(first, longestJvmWarmupMs));
  for (let durationMs = first; ; durationMs = plan.warmupStepMs) {
    result = await runFanout(system, redis, durationMs);
    spentMs += durationMs;
    const share = jitShare(result);
    windows.push({ ms: durationMs, jitShare: share, nodesCpuUsPerDelivery: result.nodesCpuUsPerDelivery ?? null, deliveriesPerSec: result.deliveriesPerSec ?? null });
    log(`warm-up window ${system.id}: ${durationMs} ms, JIT share ${share === null ? '—' : `${(share * 100).toFixed(1)} %`}, ${result.nodesCpuUsPerDelivery?.toFixed(2)} µs/delivery`);
    if (result.error || spentMs + plan.warmupStepMs > target) break;
    if (system.protocol === 'ambiorix' && share !== null && share < plan.jitSettledShare) break;
    await sleep(plan.pauseMs);
  }
  return { ...result, warmup: { ms: spentMs, settled: system.protocol === 'ambiorix' ? jitShare(result) !== null && jitShare(result) < plan.jitSettledShare : null, windows } };
}

const METRICS = [
  ['deliveriesPerSec', 'deliveries/s', 0],
  ['lastClientP50Ms', 'last client p50 ms', 1],
  ['lastClientP99Ms', 'last client p99 ms', 1],
  ['nodesCpuUsPerDelivery', 'nodes CPU µs/delivery', 2],
  ['jitCpuUsPerDelivery', 'of which JVM JIT compiler threads µs/delivery', 2],
  ['clusterCpuUsPerDelivery', 'nodes + Redis CPU µs/delivery', 2],
  ['redisCpuUsPerEnvelope', 'Redis CPU µs/envelope (INFO cpu ÷ XADDs)', 1],
  ['xadds', 'XADDs in the window', 0],
  ['envelopesPerSec', 'envelopes/s through Redis (XADDs/s)', 0],
  ['xreads', 'XREADs in the window', 0],
  ['broadcasts', 'broadcasts completed', 0],
  ['nodesCpuShare', 'nodes CPU (cores)', 2],
  ['redisCpuShare', 'Redis CPU (cores, /proc)', 3],
  ['redisInfoCpuShare', 'Redis CPU (cores, INFO cpu)', 3],
  ['loadgenCpuShare', 'load generator CPU (cores)', 2],
  ['loadAverage1m', 'load average (1 min) after the window', 1],
];
const ALL_RATIOS = [
  ['starter-2', 'socketio-2', 'starter-2 ÷ socketio-2'],
  ['starter-2', 'starter-1', 'starter-2 ÷ starter-1'],
  ['socketio-2', 'socketio-1', 'socketio-2 ÷ socketio-1'],
  ['starter-1', 'socketio-1', 'starter-1 ÷ socketio-1'],
];

const RATIOS = ALL_RATIOS.filter(([a, b]) => SYSTEMS.some((s) => s.id === a) && SYSTEMS.some((s) => s.id === b));

function median(values) {
  const sorted = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summarise(rounds) {
  const medians = {};
  for (const { id } of SYSTEMS) {
    const values = rounds.map((round) => round[id]).filter((value) => value && !value.error);
    medians[id] = { rounds: values.length };
    for (const [key] of METRICS) medians[id][key] = median(values.map((value) => value[key]));
    const errors = rounds.map((round) => round[id] && round[id].error).filter(Boolean);
    if (errors.length) medians[id].errors = errors;
  }
  return medians;
}

const format = (value, digits) => (value === null || value === undefined ? '—' : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const ratio = (a, b) => (a === null || b === null || a === undefined || b === undefined || b === 0 ? '—' : `${(a / b).toFixed(2)}×`);

function markdown(info, medians, rounds, warmups = {}) {
  const lines = [];
  lines.push(`# Cluster fan-out to ${CLIENTS} clients (${quick ? 'quick' : 'full'} mode)`);
  lines.push('');
  lines.push(`${info.date} · ${info.cpu} · ${info.memoryGiB} GiB · Linux ${info.kernel} · ${info.java} · Node ${info.node} · ${info.redis} · socket.io ${info.socketio}, @socket.io/redis-streams-adapter ${info.adapter}, redis (client) ${info.redisClient}`);
  lines.push('');
  lines.push(`${CLIENTS} clients (split evenly over the nodes, the sender on the first), ${WINDOW} broadcasts in flight, ${plan.fanoutMs} ms windows, starter-2's relay over ${STREAMS} stream${STREAMS === 1 ? '' : 's'}; medians of ${rounds.length} interleaved rounds after a warm-up (below); ratios are of medians (for times and CPU, below 1 is better).`);
  lines.push(`Load average at the start: ${info.loadAverageAtStart.map((v) => v.toFixed(1)).join(', ')} (1, 5, 15 min) on ${os.cpus().length} cores: **the machine was loaded** by other work during this run; read the ratios, not the absolute figures.`);
  lines.push('');
  const header = ['metric', ...SYSTEMS.map((s) => s.id), ...RATIOS.map(([, , label]) => label)];
  lines.push(`| ${header.join(' | ')} |`);
  lines.push(`|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
  for (const [key, label, digits] of METRICS) {
    const row = [label, ...SYSTEMS.map((s) => format(medians[s.id][key], digits))];
    for (const [a, b] of RATIOS) row.push(key.startsWith('xread') || key.startsWith('load') || key === 'xadds' || key === 'broadcasts' || !(medians[a] && medians[b]) ? '' : ratio(medians[a][key], medians[b][key]));
    lines.push(`| ${row.join(' | ')} |`);
  }
  const errors = SYSTEMS.flatMap((s) => (medians[s.id].errors || []).map((e) => `${s.id}: ${e}`));
  if (Object.keys(warmups).length) {
    lines.push('', `Warm-up (windows until the JIT compiler threads took under ${plan.jitSettledShare * 100} % of a JVM system's nodes' CPU, at most ${plan.warmupCapMs / 1000} s; Socket.IO as long as the longest JVM): JIT share, µs/delivery of each window`, '');
    for (const { id } of SYSTEMS) {
      const w = warmups[id];
      if (!w) continue;
      const windows = w.windows.map((x) => `${x.ms / 1000} s: ${x.jitShare === null ? '' : `${(x.jitShare * 100).toFixed(1)} %, `}${format(x.nodesCpuUsPerDelivery, 2)}`).join('; ');
      lines.push(`- ${id}: ${w.ms / 1000} s${w.settled === null ? '' : w.settled ? ', settled' : ', not settled within the cap'} (${windows})`);
    }
  }
  if (errors.length) lines.push('', `Errors: ${errors.join('; ')}`);
  lines.push('');
  lines.push('Every round:');
  lines.push('');
  lines.push('| round | system | deliveries/s | p50 / p99 ms | nodes µs/delivery | Redis µs/envelope | Redis cores | load avg |');
  lines.push('|---:|---|---:|---:|---:|---:|---:|---:|');
  rounds.forEach((round, i) => {
    for (const { id } of SYSTEMS) {
      const r = round[id];
      if (!r) continue;
      if (r.error) {
        lines.push(`| ${i + 1} | ${id} | error: ${r.error} | | | | | |`);
        continue;
      }
      lines.push(`| ${i + 1} | ${id} | ${format(r.deliveriesPerSec, 0)} | ${format(r.lastClientP50Ms, 1)} / ${format(r.lastClientP99Ms, 1)} | ${format(r.nodesCpuUsPerDelivery, 2)} | ${format(r.redisCpuUsPerEnvelope, 1)} | ${format(r.redisInfoCpuShare, 3)} | ${format(r.loadAverage1m, 1)} |`);
    }
  });
  return lines.join('\n');
}

function version(module) {
  try {
    return require(path.join(root, 'node_modules', module, 'package.json')).version;
  } catch {
    return '?';
  }
}

function machine() {
  const cpu = os.cpus();
  return {
    date: new Date().toISOString(),
    cpu: `${cpu.length} × ${cpu[0].model}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    java: (spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr.split('\n')[1] || 'java').trim(),
    node: process.version,
    redis: spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim().split(' ').slice(0, 3).join(' '),
    socketio: version('socket.io'),
    adapter: version('@socket.io/redis-streams-adapter'),
    redisClient: version('redis'),
    loadAverageAtStart: os.loadavg(),
  };
}

async function main() {
  const info = machine();
  log(`cluster scenario: ${plan.rounds} rounds after a warm-up, ${CLIENTS} clients, ${STREAMS} relay stream(s), load average ${info.loadAverageAtStart.map((v) => v.toFixed(1)).join(' ')}`);
  const redis = await startRedis();
  log(`started redis-server on port ${redis.port} (pid ${redis.pid})`);
  // Every node of every system at once: start-up is the slow part on a busy machine.
  const systems = await Promise.all(
    SYSTEMS.map(async (system) => {
      const nodes = await Promise.all(system.nodes(redis.port).map((command, i) => startNode(`${system.id}-node${i + 1}`, command)));
      log(`started ${system.id}: ${nodes.map((node) => `port ${node.port} (pid ${node.pid})`).join(', ')}`);
      return { ...system, nodes };
    })
  );
  const rounds = [];
  const warmups = {};
  const write = () => {
    const medians = summarise(rounds);
    const output = { mode: quick ? 'quick' : 'full', plan, starterJar: path.relative(root, starterJar), clients: CLIENTS, window: WINDOW, streams: STREAMS, machine: info, systems: SYSTEMS.map((s) => s.id), medians, warmups, rounds, roundsCompleted: rounds.length, durationSeconds: (Date.now() - startedAt) / 1000 };
    fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify(output, null, 2) + '\n');
    fs.writeFileSync(path.join(outDir, 'results.md'), markdown(info, medians, rounds, warmups) + '\n');
    return medians;
  };
  let lastRoundSeconds = 0;
  let longestJvmWarmupMs = 0;
  // The JVMs warm up first, so that Socket.IO's warm-up can match the longest of theirs.
  const warmupOrder = [...systems.filter((s) => s.protocol === 'ambiorix'), ...systems.filter((s) => s.protocol !== 'ambiorix')];
  for (let round = 0; round <= plan.rounds; round++) {
    const elapsed = (Date.now() - startedAt) / 1000;
    if (round > 1 && elapsed + lastRoundSeconds > plan.budgetSeconds) {
      log(`stopping after ${rounds.length} rounds: another would exceed the ${plan.budgetSeconds} s budget`);
      break;
    }
    const roundStarted = Date.now();
    const warmup = round === 0;
    const order = warmup ? warmupOrder : systems.map((_, i) => systems[(i + round) % systems.length]);
    const results = {};
    for (const system of order) {
      try {
        if (warmup) {
          results[system.id] = await warmUp(system, redis, longestJvmWarmupMs);
          if (system.protocol === 'ambiorix') longestJvmWarmupMs = Math.max(longestJvmWarmupMs, results[system.id].warmup.ms);
          warmups[system.id] = results[system.id].warmup;
        } else {
          results[system.id] = await runFanout(system, redis, plan.fanoutMs);
        }
      } catch (error) {
        results[system.id] = { error: String(error.message || error) };
      }
      log(`${warmup ? 'warm-up' : `round ${round}`} ${system.id}: ${JSON.stringify(results[system.id])}`);
      await sleep(plan.pauseMs);
    }
    if (!warmup) {
      rounds.push(results);
      write();
      lastRoundSeconds = (Date.now() - roundStarted) / 1000;
    }
  }
  const medians = write();
  log(`wrote ${path.relative(process.cwd(), outDir) || '.'}/results.{json,md}`);
  console.log('\n' + markdown(info, medians, rounds, warmups));
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of running) child.kill('SIGKILL');
  });
