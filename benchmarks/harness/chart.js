'use strict';
// Draws the results as one dependency-free SVG: throughput relative to the floor, the
// worst delivery beside a stuck reader, and heap per idle connection, each with its target.

const COLORS = { starter: '#2f6fdf', floor: '#8a8f98', node: '#3c9a5f', 'starter-jetty': '#e08a1e', 'starter-tomcat': '#e08a1e', 'starter-before': '#9bb8ef', 'starter-lean': '#7a4fd1', 'starter-jdk25-vt': '#c2417a', 'starter-parallel-gc': '#1e9aa0' };
const WIDTH = 960;
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

function escape(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function label(value) {
  if (value === null || value === undefined) return 'n/a';
  if (value >= 1000) return value.toLocaleString('en-US', { maximumFractionDigits: 0 });
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/**
 * One panel of grouped vertical bars.
 * groups: [{ name, values: { server: number|null }, notes: { server: string } }]
 */
function panel({ y, title, subtitle, groups, servers, log, target, targetLabel, unit }) {
  const height = 250;
  const top = y + 46;
  const plotHeight = height - 96;
  const left = 70;
  const right = WIDTH - 20;
  const parts = [];
  parts.push(`<text x="${left}" y="${y + 18}" font-size="16" font-weight="600" ${FONT}>${escape(title)}</text>`);
  parts.push(`<text x="${left}" y="${y + 36}" font-size="12" fill="#555" ${FONT}>${escape(subtitle)}</text>`);
  const all = groups.flatMap((g) => servers.map((s) => g.values[s])).filter((v) => typeof v === 'number' && v > 0);
  if (target) all.push(target);
  const max = Math.max(...all, 1e-9);
  const min = log ? Math.min(...all) : 0;
  const lo = log ? Math.pow(10, Math.floor(Math.log10(min))) : 0;
  const hi = log ? Math.pow(10, Math.ceil(Math.log10(max))) : max * 1.15;
  const scale = (v) => {
    if (v === null || v === undefined || v <= 0) return 0;
    const fraction = log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : v / hi;
    return Math.max(0, Math.min(1, fraction)) * plotHeight;
  };
  const bottom = top + plotHeight;
  // Axis and gridlines.
  const ticks = log
    ? Array.from({ length: Math.round(Math.log10(hi) - Math.log10(lo)) + 1 }, (_, i) => lo * Math.pow(10, i))
    : [0, 0.25, 0.5, 0.75, 1].map((f) => f * hi);
  for (const tick of ticks) {
    const ty = bottom - scale(tick || 0);
    parts.push(`<line x1="${left}" x2="${right}" y1="${ty}" y2="${ty}" stroke="#e4e6ea"/>`);
    parts.push(`<text x="${left - 6}" y="${ty + 4}" font-size="11" text-anchor="end" fill="#666" ${FONT}>${escape(label(tick))}${unit ? escape(unit) : ''}</text>`);
  }
  parts.push(`<line x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}" stroke="#999"/>`);
  const groupWidth = (right - left) / groups.length;
  const barWidth = Math.min(44, (groupWidth - 24) / servers.length);
  groups.forEach((group, gi) => {
    const gx = left + gi * groupWidth + (groupWidth - barWidth * servers.length) / 2;
    servers.forEach((server, si) => {
      const value = group.values[server];
      const h = scale(value);
      const x = gx + si * barWidth;
      parts.push(`<rect x="${x + 2}" y="${bottom - h}" width="${barWidth - 4}" height="${h}" fill="${COLORS[server] || '#c33'}"/>`);
      const note = (group.notes && group.notes[server]) || '';
      parts.push(`<text x="${x + barWidth / 2}" y="${bottom - h - 4}" font-size="10" text-anchor="middle" ${FONT}>${escape(label(value) + note)}</text>`);
    });
    parts.push(`<text x="${left + gi * groupWidth + groupWidth / 2}" y="${bottom + 16}" font-size="12" text-anchor="middle" ${FONT}>${escape(group.name)}</text>`);
  });
  if (target) {
    const ty = bottom - scale(target);
    parts.push(`<line x1="${left}" x2="${right}" y1="${ty}" y2="${ty}" stroke="#d33" stroke-dasharray="6 4"/>`);
    // Named in the subtitle line, where no bar can cover it.
    parts.push(`<text x="${right}" y="${y + 36}" font-size="12" text-anchor="end" fill="#d33" ${FONT}>- - - ${escape(targetLabel)}</text>`);
  }
  return { svg: parts.join('\n'), height };
}

function drawChart(output) {
  const { medians, servers, machine, mode } = output;
  const present = (id) => medians[id] !== undefined;
  const panels = [];
  let y = 60;
  const throughput = [
    ['echo-1', 'echo ×1', 'msgsPerSec'],
    ['echo-50', 'echo ×50', 'msgsPerSec'],
    ['fanout-100', 'fan-out 100', 'deliveriesPerSec'],
    ['fanout-1000', 'fan-out 1,000', 'deliveriesPerSec'],
    ['fanout-5000', 'fan-out 5,000', 'deliveriesPerSec'],
  ].filter(([id]) => present(id));
  if (throughput.length && servers.includes('floor')) {
    const groups = throughput.map(([id, name, key]) => {
      const floor = medians[id].floor[key];
      const values = {};
      for (const s of servers) values[s] = floor ? medians[id][s][key] / floor : null;
      return { name, values };
    });
    const p = panel({ y, title: 'Throughput relative to the floor (floor = 1.0; higher is better)', subtitle: 'echo: messages/s; fan-out: deliveries/s', groups, servers, target: 0.95, targetLabel: 'target: starter ≥ 0.95× floor', unit: '×' });
    panels.push(p.svg);
    y += p.height;
  }
  if (present('stuck-reader')) {
    const values = {};
    const notes = {};
    for (const s of servers) {
      values[s] = medians['stuck-reader'][s].worstDeliveryMs;
      notes[s] = medians['stuck-reader'][s].censored ? ' (≥)' : '';
    }
    const p = panel({ y, title: 'One reader that never reads: worst delivery to 100 healthy clients (ms, log; lower is better)', subtitle: '(≥) the wait ended before every healthy client had every message', groups: [{ name: 'stuck reader + 100 healthy', values, notes }], servers, log: true, target: 50, targetLabel: 'target: < 50 ms', unit: '' });
    panels.push(p.svg);
    y += p.height;
  }
  if (present('idle')) {
    const heap = {};
    const rss = {};
    for (const s of servers) {
      heap[s] = medians.idle[s].heapKbPerConnection;
      rss[s] = medians.idle[s].rssKbPerConnection;
    }
    const connections = Math.max(...servers.map((s) => medians.idle[s].connections || 0));
    const p = panel({ y, title: `Memory per idle connection (KB; ${connections.toLocaleString('en-US')} connections; lower is better)`, subtitle: 'heap after a full GC (Node: V8 heap + external), and resident set size', groups: [{ name: 'heap KB / connection', values: heap }, { name: 'RSS KB / connection', values: rss }], servers, target: 16, targetLabel: 'target: heap ≤ 16 KB', unit: '' });
    panels.push(p.svg);
    y += p.height;
  }
  // Each entry as wide as its label (about 7 px a character at 13 px), so none overlap.
  const LABELS = { starter: 'starter (on Jetty)', 'starter-tomcat': 'starter on Tomcat', floor: 'floor (raw Spring, Tomcat)', node: 'Node ws' };
  let legendX = 70;
  const legend = servers.map((s) => {
    const label = LABELS[s] || s;
    const entry = `<rect x="${legendX}" y="${y + 6}" width="14" height="14" fill="${COLORS[s]}"/><text x="${legendX + 20}" y="${y + 18}" font-size="13" ${FONT}>${escape(label)}</text>`;
    legendX += 40 + label.length * 7;
    return entry;
  });
  const height = y + 40;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="70" y="28" font-size="20" font-weight="700" ${FONT}>ambiorix-spring-boot benchmarks (${escape(mode)} mode)</text>`,
    `<text x="70" y="48" font-size="12" fill="#555" ${FONT}>${escape(`${machine.date.slice(0, 10)} · ${machine.cpu} · medians of ${output.roundsCompleted} interleaved rounds`)}</text>`,
    ...panels,
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}

module.exports = { drawChart };

// Redraw from saved results: node harness/chart.js results/results.json > results/chart.svg
if (require.main === module) {
  const fs = require('node:fs');
  process.stdout.write(drawChart(JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))));
}
