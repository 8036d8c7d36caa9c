#!/usr/bin/env python3
"""Markdown tables from a cpu-probe run.sh output file: per-file old/new decode CPU and the summary.
Usage: table.py PROBE_OUTPUT.txt"""
import math, sys
rows = {}
order = []
for l in open(sys.argv[1]):
    t, side, name, size, dec, wall, png = l.strip().split('\t')
    key = (t.split('=')[1], name)
    if key not in order: order.append(key)
    rows[(key, side)] = (float(dec.split('=')[1]), size, float(png.split('=')[1]))
out = ["| file | size | threads | old decode CPU ms | new decode CPU ms | speed-up (CPU) | old / new MP per CPU-s |", "|---|---|---:|---:|---:|---:|---:|"]
summary = []
for threads in ['1', '2']:
    rs = []; mp = 0; old_t = 0; new_t = 0
    for key in order:
        if key[0] != threads or (key, 'new') not in rows or (key, 'old') not in rows: continue
        o, size, _ = rows[(key, 'old')]; n, _, _ = rows[(key, 'new')]
        w, h = map(int, size.split('x')); m = w * h / 1e6
        rs.append(o / n); mp += m; old_t += o; new_t += n
        out.append(f"| {key[1]} | {size} | {threads} | {o:.0f} | {n:.0f} | **{o/n:.2f}x** | {m/o*1000:.2f} / {m/n*1000:.2f} |")
    if not rs: continue
    g = math.exp(sum(map(math.log, rs)) / len(rs))
    single = [r for (k, r) in zip([k for k in order if k[0] == threads], rs)]
    summary.append(f"| {threads} | {len(rs)} | **{g:.2f}x** | {min(rs):.2f}–{max(rs):.2f}x | {mp/old_t*1000:.2f} | {mp/new_t*1000:.2f} | **{old_t/new_t:.2f}x** |")
print("| threads | files | geometric mean speed-up | range | old MP per CPU-s (all files) | new MP per CPU-s | throughput speed-up |\n|---:|---:|---:|---|---:|---:|---:|")
print("\n".join(summary)); print(); print("\n".join(out))
