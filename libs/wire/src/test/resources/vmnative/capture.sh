#!/bin/sh
# Re-captures the VictoriaMetrics native-export golden files in this folder from Debian's victoria-metrics
# (1.79.5 when these were taken). Loopback only; needs python3, curl and gzip.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
port=18428
vm() {
    /usr/bin/victoria-metrics -storageDataPath="$work/$1" -httpListenAddr=127.0.0.1:$port -retentionPeriod=10y \
        -search.latencyOffset=0s >"$work/$1.log" 2>&1 &
    pid=$!
    for _ in $(seq 50); do curl -sf http://127.0.0.1:$port/health >/dev/null && return; sleep 0.2; done
    echo "victoria-metrics did not start" >&2; exit 1
}
export_to() {
    curl -sf http://127.0.0.1:$port/internal/force_flush
    curl -sf -G http://127.0.0.1:$port/api/v1/export/native --data-urlencode 'match[]={__name__!=""}' \
        -d start=0 -d end=1800000000 -o "$1.native"
    curl -sf -G http://127.0.0.1:$port/api/v1/export --data-urlencode 'match[]={__name__!=""}' \
        -d start=0 -d end=1800000000 -o "$1.jsonl"
    kill $pid; wait $pid || true
}
python3 "$here/inputs.py" "$work"

vm special
curl -sf --data-binary @"$work/special.txt" http://127.0.0.1:$port/api/v1/import/prometheus
export_to "$here/special-values"

vm all
curl -sf --data-binary @"$work/all.txt" http://127.0.0.1:$port/api/v1/import/prometheus
curl -sf --data-binary @"$work/escaped.json" http://127.0.0.1:$port/api/v1/import
export_to "$work/all-encodings"
cp "$work/all-encodings.native" "$here/"
gzip -9 -c "$work/all-encodings.jsonl" >"$here/all-encodings.jsonl.gz"
vm stale
curl -sf -H 'Content-Encoding: snappy' -H 'Content-Type: application/x-protobuf' \
    --data-binary @"$here/stale-marker.remote-write.bin" http://127.0.0.1:$port/api/v1/write
export_to "$work/stale-marker"
cp "$work/stale-marker.native" "$here/"
rm -rf "$work"
