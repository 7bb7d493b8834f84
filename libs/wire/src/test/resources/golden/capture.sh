#!/usr/bin/env bash
# Re-captures the golden files in this folder from real Debian binaries on loopback:
#   node-exporter-1.5.0.prom         /metrics of prometheus-node-exporter, text format 0.0.4
#   client-python-0.16.0.prom        client_python_exporter.py (Prometheus Python client) as text format 0.0.4
#   client-python-0.16.0.openmetrics the same registry as OpenMetrics 1.0 (node_exporter 1.5.0 does not serve it)
#   prometheus-2.42.0-samples.bin    the first remote-write body (snappy block) Prometheus sent, scraping itself
#   prometheus-2.42.0-metadata.bin   the first remote-write body that carried only metric metadata
# Needs: prometheus, prometheus-node-exporter, python3-prometheus-client (Debian), python3, curl. Only 127.0.0.1 is used.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

node_port=19100
prom_port=19090
sink_port=19201

/usr/bin/prometheus-node-exporter --web.listen-address=127.0.0.1:${node_port} >"$work/node.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do curl -fsS -o /dev/null "http://127.0.0.1:${node_port}/metrics" && break; sleep 0.2; done
curl -fsS "http://127.0.0.1:${node_port}/metrics" >"$here/node-exporter-1.5.0.prom"

client_port=19102
/usr/bin/python3 "$here/client_python_exporter.py" ${client_port} 30 &
pids+=($!)
for _ in $(seq 1 50); do curl -fsS -o /dev/null "http://127.0.0.1:${client_port}/metrics" && break; sleep 0.2; done
curl -fsS "http://127.0.0.1:${client_port}/metrics" >"$here/client-python-0.16.0.prom"
curl -fsS -H 'Accept: application/openmetrics-text; version=1.0.0' \
    "http://127.0.0.1:${client_port}/metrics" >"$here/client-python-0.16.0.openmetrics"

# A sink that stores every POST body and answers 204, the way a remote-write receiver would.
cat >"$work/sink.py" <<'PY'
import http.server, sys, os
out = sys.argv[2]
class Sink(http.server.BaseHTTPRequestHandler):
    n = 0
    def do_POST(self):
        body = self.rfile.read(int(self.headers['Content-Length']))
        Sink.n += 1
        with open(os.path.join(out, '%03d.bin' % Sink.n), 'wb') as f:
            f.write(body)
        with open(os.path.join(out, '%03d.headers' % Sink.n), 'w') as f:
            f.write(str(self.headers))
        self.send_response(204)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), Sink).serve_forever()
PY
mkdir -p "$work/bodies"
python3 "$work/sink.py" ${sink_port} "$work/bodies" &
pids+=($!)

cat >"$work/prometheus.yml" <<YML
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ['127.0.0.1:${prom_port}']
remote_write:
  - url: http://127.0.0.1:${sink_port}/api/v1/write
    queue_config:
      batch_send_deadline: 1s
    metadata_config:
      send_interval: 2s
YML
/usr/bin/prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
    --web.listen-address=127.0.0.1:${prom_port} >"$work/prom.log" 2>&1 &
pids+=($!)

# Wait (bounded) until a few bodies have arrived, then keep the first samples body and the first metadata body.
for _ in $(seq 1 60); do
    [ "$(ls "$work/bodies" | grep -c '\.bin$' || true)" -ge 5 ] && break
    sleep 1
done
python3 - "$work/bodies" "$here" <<'PY'
# Classifies bodies by the top-level WriteRequest fields they carry: 1 = timeseries, 3 = metadata. A tiny snappy
# block decoder keeps this script free of Python packages.
import sys, os, glob, shutil
def uvarint(b, i):
    r = s = 0
    while True:
        c = b[i]; i += 1
        r |= (c & 0x7f) << s; s += 7
        if c < 0x80: return r, i
def unsnappy(b):
    n, i = uvarint(b, 0)
    out = bytearray()
    while i < len(b):
        tag = b[i]; i += 1
        t = tag & 3
        if t == 0:
            ln = tag >> 2
            if ln >= 60:
                k = ln - 59; ln = int.from_bytes(b[i:i+k], 'little'); i += k
            ln += 1
            out += b[i:i+ln]; i += ln
            continue
        if t == 1:
            ln = ((tag >> 2) & 7) + 4; off = ((tag >> 5) << 8) | b[i]; i += 1
        elif t == 2:
            ln = (tag >> 2) + 1; off = int.from_bytes(b[i:i+2], 'little'); i += 2
        else:
            ln = (tag >> 2) + 1; off = int.from_bytes(b[i:i+4], 'little'); i += 4
        for _ in range(ln): out.append(out[-off])
    assert len(out) == n
    return bytes(out)
def fields(b):
    i = 0; counts = {}
    while i < len(b):
        key, i = uvarint(b, i)
        f, wt = key >> 3, key & 7
        counts[f] = counts.get(f, 0) + 1
        if wt == 2:
            ln, i = uvarint(b, i); i += ln
        elif wt == 0: _, i = uvarint(b, i)
        elif wt == 1: i += 8
        elif wt == 5: i += 4
    return counts
src, dst = sys.argv[1], sys.argv[2]
picked = {}
for p in sorted(glob.glob(os.path.join(src, '*.bin'))):
    kinds = fields(unsnappy(open(p, 'rb').read()))
    kind = 'metadata' if set(kinds) == {3} else 'samples' if set(kinds) == {1} else None
    if kind and kind not in picked:
        picked[kind] = p
        shutil.copy(p, os.path.join(dst, 'prometheus-2.42.0-%s.bin' % kind))
        shutil.copy(p[:-4] + '.headers', os.path.join(dst, 'prometheus-2.42.0-%s.headers' % kind))
        print(kind, os.path.basename(p), kinds)
assert set(picked) == {'samples', 'metadata'}, picked
PY
echo "captured into $here"
