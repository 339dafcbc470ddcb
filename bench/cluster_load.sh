#!/usr/bin/env bash
# Measures a local 4-node network under signed study.anchor load (docs/benchmarks.md):
# closed and open loop throughput and commit latency against the signature-verification
# ceiling, then the longest commit gap while the primary is killed with SIGKILL.
#   bench/cluster_load.sh [SECONDS]     default 10 s per run
# Needs a build with the benchmarks (build/bench/imledger_loadgen). Starts its own network in
# a temporary folder on ports 27400-27407 and stops it on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
imledger=build/cli/imledger
loadgen=build/bench/imledger_loadgen

work=$(mktemp -d "${TMPDIR:-/tmp}/imledger-load.XXXXXX")
cleanup() {
  scripts/network stop "$work/network" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

"$imledger" network init --validators 4 --dir "$work/network" --base-port 27400 >/dev/null
scripts/network start "$work/network" >/dev/null

echo "== closed loop"
"$loadgen" --network "$work/network" --mode closed --clients 16 --duration "$seconds"
echo "== open loop at 200 tx/s"
"$loadgen" --network "$work/network" --mode open --clients 64 --rate 200 --duration "$seconds"

echo "== kill -9 the primary after 3 s of closed-loop load"
view=$("$imledger" node status --node http://127.0.0.1:27401 --json | jq -r .view)
primary=$((view % 4))
"$loadgen" --network "$work/network" --mode closed --clients 8 --duration "$seconds" &
loadgen_pid=$!
sleep 3
pid=$(cat "$work/network/node-$primary/imledgerd.pid")
echo "killing node-$primary (PID $pid)"
kill -KILL "$pid"
wait "$loadgen_pid"
