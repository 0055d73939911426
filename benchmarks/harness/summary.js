'use strict';
// Prints the compact results table for the README from results/results.json:
//   node harness/summary.js [results/results.json]
const fs = require('node:fs');
const path = require('node:path');

const file = process.argv[2] || path.join(__dirname, '..', 'results', 'results.json');
const { medians, servers } = JSON.parse(fs.readFileSync(file, 'utf8'));

const ROWS = [
  ['echo-1', 'msgsPerSec', 'echo, 1 connection: msgs/s', 0],
  ['echo-1', 'rttP50Ms', 'echo, 1 connection: round trip p50 / p99 ms', 2, 'rttP99Ms'],
  ['echo-1', 'serverCpuUsPerMsg', 'echo, 1 connection: server CPU µs/msg', 1],
  ['echo-50', 'msgsPerSec', 'echo, 50 connections: msgs/s', 0],
  ['echo-50', 'rttP50Ms', 'echo, 50 connections: round trip p50 / p99 ms', 2, 'rttP99Ms'],
  ['echo-50', 'serverCpuUsPerMsg', 'echo, 50 connections: server CPU µs/msg', 1],
  ['fanout-100', 'deliveriesPerSec', 'fan-out to 100: deliveries/s', 0],
  ['fanout-100', 'lastClientP50Ms', 'fan-out to 100: last client p50 / p99 ms', 1, 'lastClientP99Ms'],
  ['fanout-100', 'serverCpuUsPerDelivery', 'fan-out to 100: server CPU µs/delivery', 1],
  ['fanout-1000', 'deliveriesPerSec', 'fan-out to 1,000: deliveries/s', 0],
  ['fanout-1000', 'lastClientP50Ms', 'fan-out to 1,000: last client p50 / p99 ms', 1, 'lastClientP99Ms'],
  ['fanout-1000', 'serverCpuUsPerDelivery', 'fan-out to 1,000: server CPU µs/delivery', 1],
  ['fanout-5000', 'deliveriesPerSec', 'fan-out to 5,000: deliveries/s', 0],
  ['fanout-5000', 'lastClientP50Ms', 'fan-out to 5,000: last client p50 / p99 ms', 0, 'lastClientP99Ms'],
  ['fanout-5000', 'serverCpuUsPerDelivery', 'fan-out to 5,000: server CPU µs/delivery', 1],
  ['stuck-reader', 'worstDeliveryMs', 'stuck reader + 100 healthy: worst healthy delivery ms', 0],
  ['idle', 'heapKbPerConnection', 'idle connections: heap KB/connection after GC', 1],
  ['idle', 'rssKbPerConnection', 'idle connections: RSS KB/connection', 1],
  ['idle', 'threads', 'idle connections: threads', 0],
];

const fmt = (v, d) => (v === null || v === undefined ? '—' : v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
const ratio = (a, b) => (a == null || b == null || b === 0 ? '—' : `${(a / b).toFixed(2)}×`);
const others = ['floor', 'node'].filter((s) => servers.includes(s));
console.log(`| scenario: metric | ${servers.join(' | ')} | ${others.map((o) => `starter ÷ ${o}`).join(' | ')} |`);
console.log(`|---|${servers.map(() => '---:').join('|')}|${others.map(() => '---:').join('|')}|`);
for (const [id, key, label, digits, second] of ROWS) {
  const m = medians[id];
  if (!m) continue;
  const cell = (s) => {
    let text = fmt(m[s][key], digits) + (second ? ` / ${fmt(m[s][second], digits)}` : '');
    if (id === 'stuck-reader' && m[s].censored) text = `≥ ${text}`;
    return text;
  };
  console.log(`| ${label} | ${servers.map(cell).join(' | ')} | ${others.map((o) => ratio(m.starter[key], m[o][key])).join(' | ')} |`);
}
