'use strict';
// Sums a `perf report --sort dso,sym -g none` listing (benchmarks/profile's
// <server>.report.txt) into shares: kernel, the JVM itself (GC, compiler, runtime), and
// JIT-compiled Java by owner (starter, Tomcat, Jetty, Spring, JDK), or Node's.
//   node harness/perf-summary.js results/fanout-profile/before/starter.report.txt ...
const fs = require('node:fs');

const RULES = [
  ['kernel: TCP/IP and loopback', (dso, sym) => dso.includes('kernel') && /tcp|ip_|skb|__dev|net_|loopback|napi|sock|inet|__netif|netif|dst_|nf_|__sys_sendmsg|sendmsg|recv/i.test(sym)],
  ['kernel: scheduler, futex, epoll', (dso, sym) => dso.includes('kernel') && /sched|futex|schedule|wake|switch|epoll|ep_|hrtimer|finish_task|pick_next|enqueue|dequeue|update_curr|select_task|try_to_wake/i.test(sym)],
  ['kernel: other', (dso) => dso.includes('kernel')],
  ['JVM: GC (G1)', (dso, sym) => dso.includes('libjvm') && /G1|GC|Card|Refine|Evac|Scan|Oop|Heap|Region|Remember|Marking|PLAB|TLAB|Barrier/i.test(sym)],
  ['JVM: other (compiler, runtime, locks)', (dso) => dso.includes('libjvm')],
  ['starter (dev.ambiorix)', (dso, sym) => sym.includes('dev.ambiorix') || sym.includes('dev/ambiorix')],
  ['Tomcat', (dso, sym) => /org[./]apache[./](tomcat|coyote|catalina)/.test(sym)],
  ['Jetty', (dso, sym) => /org[./]eclipse[./]jetty/.test(sym)],
  ['Spring', (dso, sym) => /org[./]springframework/.test(sym)],
  ['Jackson', (dso, sym) => /tools[./]jackson|com[./]fasterxml/.test(sym)],
  ['JDK classes (java.*, jdk.*, sun.*)', (dso, sym) => /(^|[ L])(java|jdk|sun)[./]/.test(sym)],
  ['Node (V8, libuv, JS)', (dso) => /node|libuv|v8/.test(dso)],
  ['JIT: interpreter, stubs, unnamed', (dso, sym) => dso.includes('JIT') || dso.includes('perf-') || /Interpreter|StubRoutines|stub/i.test(sym)],
  ['libc and other', () => true],
];

for (const file of process.argv.slice(2)) {
  const totals = new Map(RULES.map(([name]) => [name, 0]));
  let sum = 0;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    // The shared object may hold spaces ("[JIT] tid 1234").
    const match = line.match(/^\s+([\d.]+)%\s+(.+?)\s+\[[.k]\]\s+(.*)$/);
    if (!match) continue;
    const share = Number(match[1]);
    const [, , dso, sym] = match;
    const [name] = RULES.find(([, test]) => test(dso, sym));
    totals.set(name, totals.get(name) + share);
    sum += share;
  }
  console.log(`\n${file} (${sum.toFixed(1)} % of the samples)\n`);
  console.log('| share of the server\'s CPU samples | % |\n|---|---:|');
  for (const [name, share] of totals) if (share > 0) console.log(`| ${name} | ${share.toFixed(1)} |`);
}
