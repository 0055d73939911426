"""Summarises cluster-profile.sh's recordings: CPU by thread group (from /proc) and, from
JFR's execution samples, the hottest methods (self) and the hottest of ours (inclusive:
the innermost dev.ambiorix frame of each sample) in each thread group."""
import collections
import json
import os
import re
import subprocess
import sys

directory = sys.argv[1]


def group(name):
    name = re.sub(r'[-#]?\d+', '', name.strip())
    return name or '?'


def ticks(path):
    result = collections.Counter()
    with open(path) as lines:
        for line in lines:
            count, _, name = line.rstrip('\n').partition('\t')
            if count:
                result[group(name)] += int(count)
    return result


print('# Profile of starter-2 during measured rounds 1–2\n')
for node in sorted({f.split('-')[1] for f in os.listdir(directory) if f.startswith('threads-')}):
    before = ticks(os.path.join(directory, f'threads-{node}-before.txt'))
    after = ticks(os.path.join(directory, f'threads-{node}-after.txt'))
    diff = {k: after[k] - before.get(k, 0) for k in after}
    total = sum(v for v in diff.values() if v > 0)
    print(f'## {node}: CPU by thread group (/proc ticks of 10 ms), total {total}\n')
    print('| thread group | ticks | share |')
    print('|---|---:|---:|')
    for name, value in sorted(diff.items(), key=lambda kv: -kv[1]):
        if value > 0:
            print(f'| {name} | {value} | {100 * value / total:.1f} % |')
    print()
    jfr = os.path.join(directory, f'{node}.jfr')
    if not os.path.exists(jfr):
        continue
    data = json.loads(subprocess.run(['jfr', 'print', '--json', '--events', 'jdk.ExecutionSample', jfr], capture_output=True, text=True, check=True).stdout)
    events = data['recording']['events']
    by_thread = collections.Counter()
    hot_self = collections.defaultdict(collections.Counter)
    hot_ours = collections.defaultdict(collections.Counter)
    for event in events:
        values = event['values']
        thread = group((values.get('sampledThread') or {}).get('javaName') or '?')
        frames = (values.get('stackTrace') or {}).get('frames') or []
        by_thread[thread] += 1
        def name(frame):
            method = frame['method']
            return f"{method['type']['name'].split('.')[-1]}.{method['name']}"
        if frames:
            hot_self[thread][name(frames[0])] += 1
        ours = [name(f) for f in frames if f['method']['type']['name'].startswith('dev.ambiorix')]
        for method in dict.fromkeys(ours):
            hot_ours[thread][method] += 1
    samples = sum(by_thread.values())
    print(f'### {node}: JFR execution samples by thread group ({samples} samples)\n')
    for thread, count in by_thread.most_common(8):
        print(f'- **{thread}** {count} ({100 * count / samples:.1f} %)')
        print('  - self: ' + ', '.join(f'{m} {c}' for m, c in hot_self[thread].most_common(8)))
        if hot_ours[thread]:
            print('  - ours (inclusive): ' + ', '.join(f'{m} {c}' for m, c in hot_ours[thread].most_common(8)))
    print()
