#!/bin/sh
# Compares `imledger study digest` with `openssl dgst -sha256` over the same generated study of
# about SIZE_MB megabytes (default 1024), in one run, and reports wall time and peak memory.
# Both read from the page cache: the files are read once before timing.
#
# Usage: bench/dicom_study_bench.sh BUILD_DIR [SIZE_MB] [RUNS]
set -eu

build=${1:?usage: dicom_study_bench.sh BUILD_DIR [SIZE_MB] [RUNS]}
size_mb=${2:-1024}
runs=${3:-3}
imledger=$build/cli/imledger
folder=${TMPDIR:-/tmp}/imledger-dicom-bench-$size_mb

if [ ! -d "$folder" ]; then
  "$(dirname "$0")/make_dicom_study.sh" "$folder" "$size_mb"
fi
files=$(find "$folder" -name 'IM*.dcm' | wc -l)
bytes=$(du -sb "$folder" | cut -f1)
echo "study: $folder, $files files, $bytes bytes"
find "$folder" -name 'IM*.dcm' -print0 | xargs -0 cat >/dev/null

# Prints "seconds peak_rss_kb" for one command.
measure() {
  /usr/bin/time -f "%e %M" -o /tmp/dicom-bench-time.$$ "$@" >/dev/null
  cat /tmp/dicom-bench-time.$$
}

echo "run  openssl_s  openssl_rss_kb  imledger_s  imledger_rss_kb  ratio(openssl/imledger)"
run=1
while [ "$run" -le "$runs" ]; do
  set -- $(measure sh -c "find '$folder' -name 'IM*.dcm' -print0 | xargs -0 openssl dgst -sha256")
  openssl_s=$1 openssl_kb=$2
  set -- $(measure "$imledger" study digest --json "$folder")
  imledger_s=$1 imledger_kb=$2
  ratio=$(awk "BEGIN { printf \"%.2f\", $openssl_s / $imledger_s }")
  echo "$run    $openssl_s       $openssl_kb           $imledger_s        $imledger_kb           $ratio"
  run=$((run + 1))
done
rm -f /tmp/dicom-bench-time.$$
