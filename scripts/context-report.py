#!/usr/bin/env python3
"""Summarises `hific bench context` rows (docs/results/context/points.csv) into a markdown table.

Per rate t: mean bpp of the z + y streams of both models over all images, the saving, the
estimate's error against the real streams, and on the images with quality (the first --quality
ones) PSNR and MS-SSIM of both. BD-rate (context vs base) over the whole rate range: curves of
mean log-bpp against mean quality, interpolated piecewise linearly, averaged over the overlap.
"""
import csv, math, sys
from collections import defaultdict

rows = list(csv.DictReader(open(sys.argv[1])))
by_t = defaultdict(list)
for r in rows:
    by_t[float(r["t"])].append(r)

def mean(xs):
    xs = list(xs)
    return sum(xs) / len(xs) if xs else float("nan")

print("| t | images | bpp hific-lite | bpp ctx | saving | est/real base | est/real ctx | PSNR base | PSNR ctx | MS-SSIM base | MS-SSIM ctx |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
curves = {"base": [], "ctx": []}
for t in sorted(by_t):
    rs = by_t[t]
    bpp_a = mean(int(r["bytes_base"]) * 8 / int(r["pixels"]) for r in rs)
    bpp_b = mean(int(r["bytes_ctx"]) * 8 / int(r["pixels"]) for r in rs)
    est_a = sum(float(r["est_bits_base"]) for r in rs) / sum(int(r["bytes_base"]) * 8 for r in rs)
    est_b = sum(float(r["est_bits_ctx"]) for r in rs) / sum(int(r["bytes_ctx"]) * 8 for r in rs)
    q = [r for r in rs if r["psnr_base"]]
    pa = mean(float(r["psnr_base"]) for r in q); pb = mean(float(r["psnr_ctx"]) for r in q)
    ma = mean(float(r["msssim_base"]) for r in q); mb = mean(float(r["msssim_ctx"]) for r in q)
    qa = mean(int(r["bytes_base"]) * 8 / int(r["pixels"]) for r in q); qb = mean(int(r["bytes_ctx"]) * 8 / int(r["pixels"]) for r in q)
    if q:
        curves["base"].append((qa, pa, ma)); curves["ctx"].append((qb, pb, mb))
    print(f"| {t:g} | {len(rs)} ({len(q)} with quality) | {bpp_a:.4f} | {bpp_b:.4f} | {100 * (1 - bpp_b / bpp_a):.2f}% | {est_a:.4f} | {est_b:.4f} | {pa:.3f} | {pb:.3f} | {ma:.5f} | {mb:.5f} |")

def bd(a, b, k):
    """Mean log-rate difference of b against a at equal quality k (1 PSNR, 2 MS-SSIM), as a % change."""
    a = sorted((p[k], math.log(p[0])) for p in a); b = sorted((p[k], math.log(p[0])) for p in b)
    lo = max(a[0][0], b[0][0]); hi = min(a[-1][0], b[-1][0])
    if hi <= lo: return float("nan")
    def interp(c, x):
        for (x0, y0), (x1, y1) in zip(c, c[1:]):
            if x0 <= x <= x1: return y0 + (y1 - y0) * (x - x0) / (x1 - x0) if x1 > x0 else y0
        return c[-1][1]
    n = 400
    d = mean(interp(b, lo + (hi - lo) * i / n) - interp(a, lo + (hi - lo) * i / n) for i in range(n + 1))
    return 100 * (math.exp(d) - 1)

if curves["base"]:
    print()
    print(f"BD-rate of the context model against hific-lite over the rate range (images with quality): "
          f"PSNR {bd(curves['base'], curves['ctx'], 1):+.2f}%, MS-SSIM {bd(curves['base'], curves['ctx'], 2):+.2f}%")
