#!/usr/bin/env python3
"""Plots a scale run's CSV (the former ScaleRunTests; `hific bench scale` writes its own SVG) as an SVG without
third-party packages: images done, queue depth, coordinator state bytes and RSS against time.
Usage: scripts/plot-scale.py docs/results/scale/scale-1000.csv [out.svg]"""
import csv, sys

src = sys.argv[1]
out = sys.argv[2] if len(sys.argv) > 2 else src.rsplit('.', 1)[0] + '.svg'
rows = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(open(src))]
panels = [("images done", "done"), ("queue depth", "queue_depth"), ("coordinator state (bytes)", "state_bytes"),
          ("silos' RSS (MB)", "silos_rss_mb"), ("coordinator RSS (MB)", "coordinator_rss_mb")]
W, H, pad = 520, 170, 48
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H * len(panels)}" font-family="sans-serif" font-size="11">']
t_max = max(r["seconds"] for r in rows) or 1
for i, (title, key) in enumerate(panels):
    y0 = i * H
    v_max = max(r[key] for r in rows) or 1
    pts = " ".join(f'{pad + (W - pad - 10) * r["seconds"] / t_max:.1f},{y0 + H - 25 - (H - 50) * max(r[key], 0) / v_max:.1f}' for r in rows)
    svg.append(f'<text x="{pad}" y="{y0 + 16}">{title} (max {v_max:,.0f})</text>')
    svg.append(f'<line x1="{pad}" y1="{y0 + H - 25}" x2="{W - 10}" y2="{y0 + H - 25}" stroke="#888"/>')
    svg.append(f'<line x1="{pad}" y1="{y0 + 25}" x2="{pad}" y2="{y0 + H - 25}" stroke="#888"/>')
    svg.append(f'<text x="{W - 10}" y="{y0 + H - 10}" text-anchor="end">{t_max:.0f} s</text><text x="{pad}" y="{y0 + H - 10}">0 s</text>')
    svg.append(f'<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="{pts}"/>')
svg.append('</svg>')
open(out, 'w').write("\n".join(svg))
print(out)
