"""Writes the data capture.sh loads into VictoriaMetrics: chosen so that its export uses every marshal type."""
import json
import math
import random
import sys

out = sys.argv[1]
base = 1700000000000

special = []
for i in range(5):
    t = base + i * 15000
    special.append(f'a_metric{{job="x",instance="h1"}} {i} {t}')
    special.append(f'b_metric{{job="y"}} {i * 1.5 + 0.1} {t}')
for i, v in enumerate(["NaN", "+Inf", "-Inf", "1e300", "-0.000123"]):
    special.append(f'c_special{{k="v"}} {v} {base + i * 1000}')
open(f"{out}/special.txt", "w").write("\n".join(special) + "\n")

random.seed(7)
lines = []
v = 100.0
for i in range(300):  # values: nearest delta
    v += random.choice([-1, 1]) * random.randint(0, 500) / 100
    lines.append(f'g_gauge{{i="1"}} {v:.2f} {base + i * 15000}')
c = 0
for i in range(300):  # values: nearest delta 2 (a counter)
    c += random.randint(0, 1000)
    lines.append(f'c_counter_total{{i="2"}} {c} {base + i * 15000}')
for i in range(50):  # values: constant
    lines.append(f'k_const{{i="3"}} 42 {base + i * 10000}')
t = base
for i in range(300):  # timestamps: nearest delta 2
    t += random.randint(9000, 11000)
    lines.append(f'j_jitter{{i="4"}} {random.random()} {t}')
for i in range(10000):  # two blocks (8192 + 1808 rows); values: zstd nearest delta 2
    lines.append(f'long_series{{i="5"}} {i % 97} {base + i * 1000}')
for i in range(20):
    lines.append(f'small_counter{{i="6"}} {i * i} {base + i * 15000}')
for i in range(3000):  # timestamps: zstd nearest delta 2; values: zstd nearest delta
    lines.append(f'sine_wave{{i="7"}} {round(math.sin(i / 10) * 100, 1)} {base + i * 1000 + (i % 3) * 7}')
open(f"{out}/all.txt", "w").write("\n".join(lines) + "\n")

escaped = {"metric": {"__name__": "esc_labels", "k\u0001": "a\u0000b\u0001c\u0002d", "uni": "\u00e9\u4e2d\U0001F600"},
           "values": [1.5, 2.5], "timestamps": [base, base + 1000]}
open(f"{out}/escaped.json", "w").write(json.dumps(escaped) + "\n")
