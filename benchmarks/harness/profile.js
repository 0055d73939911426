'use strict';
// A CPU profile of one server under one fan-out, with perf: kernel, JVM, container and
// starter frames side by side, which JFR cannot show. Started by ../profile.
//
//   node harness/profile.js <server> <clients> <seconds> <outDir> [jar]
//
// <server> is starter (Jetty), starter-tomcat or node; [jar] replaces the server's jar
// (a before-build). The JVM runs with frame pointers and writes /tmp/perf-<pid>.map
// (jcmd Compiler.perfmap) so that perf names JIT-compiled frames.
const fs = require('node:fs');
const path = require('node:path');
const { freePort } = require('./ports');
const { onLines } = require('./lines');
const http = require('node:http');
const { spawn, spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const [serverName, clientsArg, secondsArg, outArg, jarArg] = process.argv.slice(2);
const clients = Number(clientsArg || 5000);
const seconds = Number(secondsArg || 15);
const outDir = path.resolve(outArg || path.join(root, 'results/profile'));
fs.mkdirSync(outDir, { recursive: true });
// PROFILE_JAVA picks another JDK's java (its jcmd writes the perf map), PROFILE_JVM_FLAGS adds
// flags: PROFILE_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java PROFILE_JVM_FLAGS=-XX:+UseCompactObjectHeaders
const JAVA = process.env.PROFILE_JAVA || 'java';
const JCMD = process.env.PROFILE_JAVA ? path.join(path.dirname(process.env.PROFILE_JAVA), 'jcmd') : 'jcmd';
const JVM = ['-Xms256m', '-Xmx2g', '-XX:+UseG1GC', '-XX:+UnlockDiagnosticVMOptions', '-XX:+PreserveFramePointer',
  ...(process.env.PROFILE_JVM_FLAGS || '').split(' ').filter(Boolean)];
const jars = {
  starter: path.join(root, 'servers/starter/target/bench-server-starter.jar'),
  'starter-tomcat': path.join(root, 'servers/starter-tomcat/target/bench-server-starter-tomcat.jar'),
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function ready(port) {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/bench/ready', timeout: 2000 }, (response) => {
      // Any answer (the starter's servers answer 404) means the server is up.
      response.resume();
      resolve(true);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
  });
}

function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

let started;

async function main() {
  const port = await freePort();
  const isNode = serverName === 'node';
  const command = isNode ? 'node' : JAVA;
  const args = isNode
    ? ['--perf-basic-prof', path.join(root, 'servers/node/server.js'), String(port)]
    : [...JVM, '-jar', jarArg || jars[serverName], `--server.port=${port}`, '--server.address=127.0.0.1',
        '--server.tomcat.max-connections=12000', '--spring.main.banner-mode=off', '--logging.level.root=WARN'];
  const server = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  started = server;
  const deadline = Date.now() + 90000;
  while (!(await ready(port))) {
    if (Date.now() > deadline || server.exitCode !== null) throw new Error('server did not start');
    await sleep(200);
  }
  // A warm-up fan-out first, so that the profile sees compiled code.
  for (const [phase, durationMs] of [['warm-up', 5000], ['profiled', seconds * 1000]]) {
    const result = await fanout(server.pid, port, durationMs, phase === 'profiled');
    console.log(`${phase}: ${JSON.stringify(result)}`);
    if (phase === 'profiled') fs.writeFileSync(path.join(outDir, `${serverName}.json`), JSON.stringify(result, null, 2));
  }
  if (!isNode) spawnSync(JCMD, [String(server.pid), 'Compiler.perfmap'], { stdio: 'inherit' });
  const report = spawnSync('perf', ['report', '-i', path.join(outDir, `${serverName}.perf.data`), '--no-children', '--sort', 'dso,sym', '--stdio', '--percent-limit', '0.3', '-g', 'none'],
    { encoding: 'utf8', maxBuffer: 64 << 20 });
  fs.writeFileSync(path.join(outDir, `${serverName}.report.txt`), report.stdout);
  const all = spawnSync('perf', ['report', '-i', path.join(outDir, `${serverName}.perf.data`), '--no-children', '--sort', 'dso,sym', '--stdio', '-g', 'none'],
    { encoding: 'utf8', maxBuffer: 256 << 20 });
  fs.writeFileSync(path.join(outDir, `${serverName}.all.txt`), all.stdout);
  const summary = spawnSync('node', [path.join(__dirname, 'perf-summary.js'), path.relative(process.cwd(), path.join(outDir, `${serverName}.all.txt`))], { encoding: 'utf8' });
  fs.writeFileSync(path.join(outDir, `${serverName}.summary.md`), summary.stdout);
  const byDso = spawnSync('perf', ['report', '-i', path.join(outDir, `${serverName}.perf.data`), '--no-children', '--sort', 'dso', '--stdio', '-g', 'none'],
    { encoding: 'utf8', maxBuffer: 64 << 20 });
  fs.writeFileSync(path.join(outDir, `${serverName}.dso.txt`), byDso.stdout);
  server.kill('SIGTERM');
}

function fanout(serverPid, port, durationMs, profiled) {
  return new Promise((resolve, reject) => {
    const config = { scenario: 'fanout', clients, durationMs, window: 2, timeoutMs: 180000, port, probe: true };
    const child = spawn('node', [path.join(root, 'loadgen/loadgen.js'), JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'inherit'] });
    let before;
    let after;
    let perf;
    onLines(child.stdout, (line) => {
      if (line.startsWith('READY')) {
        if (profiled) {
          perf = spawn('perf', ['record', '-e', 'cpu-clock', '-F', '499', '-g', '-p', String(serverPid), '-o', path.join(outDir, `${serverName}.perf.data`)], { stdio: 'inherit' });
        }
        before = { wall: process.hrtime.bigint(), server: cpuSeconds(serverPid), loadgen: cpuSeconds(child.pid) };
        child.stdin.write('GO\n');
      } else if (line.startsWith('ACTIVE')) {
        child.stdin.write('GO\n');
      } else if (line === 'END') {
        after = { wall: process.hrtime.bigint(), server: cpuSeconds(serverPid), loadgen: cpuSeconds(child.pid) };
        if (perf) perf.kill('SIGINT');
      } else if (line.startsWith('RESULT')) {
        const result = JSON.parse(line.slice(7));
        const wall = Number(after.wall - before.wall) / 1e9;
        const done = () => resolve({
          deliveriesPerSec: Math.round(result.perSecond),
          lastClientMs: result.lastClientMs,
          serverCpuUsPerDelivery: ((after.server - before.server) * 1e6) / result.deliveries,
          serverCpuShare: (after.server - before.server) / wall,
          loadgenCpuShare: (after.loadgen - before.loadgen) / wall,
          load: fs.readFileSync('/proc/loadavg', 'utf8').trim(),
        });
        if (perf && perf.exitCode === null) perf.on('exit', done);
        else done();
      }
    });
    child.on('exit', (code) => code !== 0 && !after && reject(new Error(`load generator exited with ${code}`)));
  });
}

main().catch((error) => {
  console.error(error);
  if (started) started.kill('SIGKILL');
  process.exit(1);
});
