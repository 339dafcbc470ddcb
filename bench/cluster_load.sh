#!/usr/bin/env bash
# Measures a local 4-node network under signed study.anchor load (docs/benchmarks/cluster.md):
# closed-loop and open-loop throughput and commit latency against the ceiling that signature
# verification sets on this machine, then the longest commit gap while the primary is killed
# with SIGKILL.
#   bench/cluster_load.sh [SECONDS] [BUILD]   default 10 s per run, build folder build/
# With a BUILD configured with -DIMLEDGER_BENCH_NO_CLIENT_SIGNATURES=ON the nodes skip client
# signature checks, which measures the consensus engine alone. Starts its own network in a
# temporary folder on ports 27400-27407 and stops it on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
build=${2:-build}
imledger=build/cli/imledger
loadgen=build/bench/imledger_loadgen
export IMLEDGERD=$build/node/imledgerd
if grep -q 'IMLEDGER_BENCH_NO_CLIENT_SIGNATURES:BOOL=ON' "$build/CMakeCache.txt"; then
  export IMLEDGERD_FLAGS=--unsafe-no-client-signatures
  echo "nodes from $build skip client signature checks"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/imledger-load.XXXXXX")
cleanup() {
  scripts/network stop "$work/network" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

"$imledger" network init --validators 4 --dir "$work/network" --base-port 27400 >/dev/null
scripts/network start "$work/network" >/dev/null

for clients in 16 64 256; do
  echo "== closed loop, $clients clients"
  "$loadgen" --network "$work/network" --mode closed --clients "$clients" --duration "$seconds"
done
for rate in 200 800; do
  echo "== open loop at $rate tx/s"
  "$loadgen" --network "$work/network" --mode open --clients 256 --rate "$rate" \
    --duration "$seconds"
done

echo "== kill -9 the primary 4 s into a closed-loop run with 8 clients"
view=$("$imledger" node status --node http://127.0.0.1:27401 --json | jq -r .view)
primary=$((view % 4))
"$loadgen" --network "$work/network" --mode closed --clients 8 --duration "$seconds" &
loadgen_pid=$!
sleep 4
pid=$(cat "$work/network/node-$primary/imledgerd.pid")
echo "killing node-$primary (PID $pid)"
kill -KILL "$pid"
wait "$loadgen_pid"
