'use strict';
// Turns JMH's JSON result into the Markdown table published in results/jmh.md.
const fs = require('node:fs');
const os = require('node:os');

const results = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const rows = results.map((result) => {
  const name = result.benchmark.replace(/^.*\./, '');
  const alloc = result.secondaryMetrics['gc.alloc.rate.norm'];
  return `| ${name} | ${result.primaryMetric.score.toFixed(0)} ± ${result.primaryMetric.scoreError.toFixed(0)} | ${alloc ? alloc.score.toFixed(0) : '—'} |`;
});
const first = results[0] || {};
console.log(`# JMH: envelope codec and dispatch

${new Date().toISOString().slice(0, 10)} · ${os.cpus().length} × ${os.cpus()[0].model} · JDK ${first.jdkVersion} (${first.vmName}) · ${first.forks} fork, ${first.warmupIterations} × ${first.warmupTime} warm-up, ${first.measurementIterations} × ${first.measurementTime} measured

| benchmark | ns/op (± 99.9 % CI) | bytes allocated/op |
|---|---:|---:|
${rows.join('\n')}

\`floor*\` rows are what a hand-written handler does with the same Jackson (\`readTree\`, \`writeValueAsString\` of an \`ObjectNode\`).`);
