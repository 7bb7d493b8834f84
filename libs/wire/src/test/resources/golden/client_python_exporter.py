# A small exporter built on the real Prometheus Python client (Debian python3-prometheus-client 0.16.0), used by
# capture.sh because neither node_exporter 1.5.0 nor Prometheus 2.42 serves OpenMetrics. Every value here is asserted
# by ExpositionGoldenTest, so change both together.
import sys, time
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Summary, Info, Enum, start_http_server
from prometheus_client.core import GaugeMetricFamily, CounterMetricFamily

registry = CollectorRegistry()
requests = Counter('basalt_requests', 'Requests served.\nSecond line with a \\ backslash.', ['path', 'code'],
                   registry=registry)
requests.labels('/api/v1/write', '204').inc(41)
requests.labels('/quote"d\\path\nnext', '400').inc(2)
requests.labels('/ünïcødé/𝄞', '200').inc(0.5)
requests.labels('/exemplar', '200').inc(3, exemplar={'trace_id': 'abc123'})
temperature = Gauge('basalt_temperature', 'A gauge with a unit.', unit='celsius', registry=registry)
temperature.set(-12.75)
specials = Gauge('basalt_special_values', 'NaN and infinities.', ['kind'], registry=registry)
specials.labels('nan').set(float('nan'))
specials.labels('pinf').set(float('inf'))
specials.labels('ninf').set(float('-inf'))
specials.labels('negzero').set(-0.0)
latency = Histogram('basalt_latency_seconds', 'Latency.', buckets=(0.005, 0.1, 1.0), registry=registry)
for v in (0.001, 0.05, 0.05, 0.5, 3.0):
    latency.observe(v)
latency.observe(0.07, exemplar={'trace_id': 'def456'})
size = Summary('basalt_body_bytes', 'Body sizes.', registry=registry)
size.observe(100)
size.observe(300)
Info('basalt_build', 'Build information.', registry=registry).info({'version': '0.1.0', 'revision': 'abc'})
Enum('basalt_state', 'Node state.', states=['starting', 'running', 'stopped'], registry=registry).state('running')

class Timestamped:
    def collect(self):
        g = GaugeMetricFamily('basalt_last_seen', 'A sample carrying its own timestamp.', labels=['node'])
        g.add_metric(['a'], 1.5, timestamp=1700000000.123)
        yield g
registry.register(Timestamped())

start_http_server(int(sys.argv[1]), addr='127.0.0.1', registry=registry)
time.sleep(float(sys.argv[2]))
