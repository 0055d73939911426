#!/usr/bin/env bash
# Profiles starter-2's two nodes during a cluster run (issue 9): JFR (execution samples,
# settings=profile) on both JVMs and the CPU of each of their threads from /proc, over
# measured rounds 1 and 2 (after the warm-up). Run it under the benchmark lock:
#   flock /tmp/bench.lock benchmarks/harness/cluster-profile.sh OUT [harness arguments]
# e.g. OUT=cluster/envelopes-profile --clients 10 --window 16 --systems starter-2,socketio-2 --rounds 3
# Writes results/OUT/profile/{node1,node2}.jfr, threads-*.txt and hot.md.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$1
shift
dir=results/$out/profile
mkdir -p "$dir"
log=$dir/run.log
benchmarks_run() { ./run --only cluster --out "$out" "$@"; }
benchmarks_run "$@" >"$log" 2>&1 &
runner=$!
wait_for() { # a pattern in the run's log
	until grep -q "$1" "$log"; do
		kill -0 $runner 2>/dev/null || { echo "run ended early; see $log" >&2; exit 1; }
		sleep 0.5
	done
}
threads() { # pid file: CPU ticks of every thread, by name
	for task in /proc/"$1"/task/*; do
		printf '%s\t%s\n' "$(cut -d' ' -f14,15 "$task/stat" 2>/dev/null | awk '{print $1+$2}')" "$(cat "$task/comm" 2>/dev/null)"
	done >"$2"
}
wait_for 'started starter-2'
pids=$(grep 'started starter-2' "$log" | grep -o 'pid [0-9]*' | awk '{print $2}')
systems=$(grep -o -- '--systems [^ ]*' <<<"$*" | awk '{print $2}' | tr ',' '\n' | grep -c . || true)
[[ $systems -gt 0 ]] || systems=4
until [[ $(grep -c 'warm-up ' "$log") -ge $systems ]]; do sleep 0.5; done
n=1
for pid in $pids; do
	jcmd "$pid" JFR.start name=relay settings=profile filename="$PWD/$dir/node$n.jfr" >/dev/null
	threads "$pid" "$dir/threads-node$n-before.txt"
	n=$((n + 1))
done
until [[ $(grep -c 'round 2 ' "$log") -ge $systems ]]; do
	kill -0 $runner 2>/dev/null || break
	sleep 0.5
done
n=1
for pid in $pids; do
	threads "$pid" "$dir/threads-node$n-after.txt"
	jcmd "$pid" JFR.stop name=relay >/dev/null || true
	n=$((n + 1))
done
wait $runner || true
python3 harness/cluster-profile.py "$dir" >"$dir/hot.md"
cat "$dir/hot.md"
