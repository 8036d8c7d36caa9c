#!/usr/bin/env python3
"""Summarises `hific bench rd` points of hific-lite and hific-lite-ctx (real .hific files) for
docs/results/context/: per rate t the mean bpp of both over the images both have, the saving, mean
PSNR / MS-SSIM, the encode and decode seconds of both (same run, side by side) and their ratio;
BD-rate of the context model against hific-lite (mean curves: mean log-bpp against mean quality,
piecewise linear, averaged over the overlapping quality range, as scripts/context-report.py) and
of both against WebP and AVIF from a second points file (docs/results/rd-points.csv) on the same
images.

usage: context-files-report.py POINTS.csv[,MORE_POINTS.csv...] [CLASSIC_POINTS.csv]
The two curves compared are the codecs hific-lite (base) and hific-lite-ctx (test) unless the
environment names others (BASE=..., CTX=...; e.g. a renamed copy of an older version); several points
files are merged (e.g. a base model's points from an earlier run whose codec output is unchanged).
"""
import csv, math, os, sys
from collections import defaultdict

BASE, CTX = os.environ.get("BASE", "hific-lite"), os.environ.get("CTX", "hific-lite-ctx")
rows = [r for f in sys.argv[1].split(",") for r in csv.DictReader(open(f))]
pts = defaultdict(dict)  # codec -> (image, setting) -> row
for r in rows:
    pts[r["codec"]][(r["image"], float(r["setting"]))] = r
images = sorted({i for (i, _) in pts[BASE]} & {i for (i, _) in pts[CTX]})
rates = sorted({t for (_, t) in pts[BASE]} & {t for (_, t) in pts[CTX]})
# Only images with every rate of both models.
images = [i for i in images if all((i, t) in pts[BASE] and (i, t) in pts[CTX] for t in rates)]

def mean(xs):
    xs = list(xs)
    return sum(xs) / len(xs) if xs else float("nan")

def bd(a, b, k):
    """Mean log-rate difference of b against a at equal quality (index k of the points), as a % change."""
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

def bd_cubic(a, b, k):
    """As `hific bench rd` (BdRate.Compute, polynomial): ln rate fitted by a cubic in quality (MS-SSIM
    in dB), integrated over the overlap; quality index k of the points (1 PSNR, 2 MS-SSIM)."""
    q = (lambda p: p[1]) if k == 1 else (lambda p: -10 * math.log10(1 - p[2]))
    def prep(c): return sorted((q(p), math.log(p[0])) for p in c)
    def integral(c, lo, hi):
        deg = min(3, len(c) - 1); n = deg + 1
        centre, scale = (c[0][0] + c[-1][0]) / 2, (c[-1][0] - c[0][0]) / 2
        m = [[0.0] * (n + 1) for _ in range(n)]
        for x, y in c:
            x = (x - centre) / scale
            for r in range(n):
                for col in range(n): m[r][col] += x ** (r + col)
                m[r][n] += x ** r * y
        for col in range(n):
            piv = max(range(col, n), key=lambda r: abs(m[r][col])); m[col], m[piv] = m[piv], m[col]
            for r in range(col + 1, n):
                f = m[r][col] / m[col][col]
                for kk in range(col, n + 1): m[r][kk] -= f * m[col][kk]
        coef = [0.0] * n
        for r in range(n - 1, -1, -1):
            coef[r] = (m[r][n] - sum(m[r][kk] * coef[kk] for kk in range(r + 1, n))) / m[r][r]
        anti = lambda t: sum(coef[kk] * t ** (kk + 1) / (kk + 1) for kk in range(n))
        return scale * (anti((hi - centre) / scale) - anti((lo - centre) / scale))
    a, b = prep(a), prep(b)
    lo, hi = max(a[0][0], b[0][0]), min(a[-1][0], b[-1][0])
    if hi <= lo: return float("nan")
    return 100 * (math.exp((integral(b, lo, hi) - integral(a, lo, hi)) / (hi - lo)) - 1)

def curve(codec, settings, imgs):
    out = []
    for s in settings:
        rs = [pts[codec][(i, s)] for i in imgs if (i, s) in pts[codec]]
        if len(rs) != len(imgs): continue
        out.append((mean(float(r["bpp"]) for r in rs), mean(float(r["psnr"]) for r in rs), mean(float(r["msssim"]) for r in rs)))
    return out

print(f"Images: {len(images)} (every rate of both models); rates t = {', '.join(f'{t:g}' for t in rates)}")
print()
print(f"Base: {BASE}; ctx: {CTX}")
print()
print("| t | bpp base | bpp ctx | saving | PSNR base | PSNR ctx | MS-SSIM base | MS-SSIM ctx | encode s base / ctx | decode s base / ctx | decode ratio |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
tot = defaultdict(float)
for t in rates:
    a = [pts[BASE][(i, t)] for i in images]; b = [pts[CTX][(i, t)] for i in images]
    ba = mean(float(r["bpp"]) for r in a); bb = mean(float(r["bpp"]) for r in b)
    bytes_a = sum(int(r["bytes"]) for r in a); bytes_b = sum(int(r["bytes"]) for r in b)
    ea = sum(float(r["encode_s"]) for r in a); eb = sum(float(r["encode_s"]) for r in b)
    da = sum(float(r["decode_s"]) for r in a); db = sum(float(r["decode_s"]) for r in b)
    for k, v in (("ea", ea), ("eb", eb), ("da", da), ("db", db)): tot[k] += v
    print(f"| {t:g} | {ba:.4f} | {bb:.4f} | {100 * (1 - bytes_b / bytes_a):.2f}% | {mean(float(r['psnr']) for r in a):.3f} | {mean(float(r['psnr']) for r in b):.3f} "
          f"| {mean(float(r['msssim']) for r in a):.5f} | {mean(float(r['msssim']) for r in b):.5f} | {ea:.1f} / {eb:.1f} | {da:.1f} / {db:.1f} | {db / da:.3f} |")
px = sum(int(pts[BASE][(i, rates[0])]["width"]) * int(pts[BASE][(i, rates[0])]["height"]) for i in images) * len(rates) / 1e6
print()
print(f"Saving = 1 - (sum of ctx file bytes) / (sum of base file bytes) over the images. All rates: {px:.1f} MP coded per model; "
      f"encode {px / tot['ea']:.3f} vs {px / tot['eb']:.3f} MP/s (ctx/base time {tot['eb'] / tot['ea']:.3f}), "
      f"decode {px / tot['da']:.3f} vs {px / tot['db']:.3f} MP/s (ctx/base time {tot['db'] / tot['da']:.3f}).")
ca, cb = curve(BASE, rates, images), curve(CTX, rates, images)
print()
print(f"BD-rate {CTX} vs {BASE} (mean curves, {len(images)} images, {len(rates)} rates): "
      f"MS-SSIM {bd(ca, cb, 2):+.2f}%, PSNR {bd(ca, cb, 1):+.2f}%")
print(f"BD-rate {CTX} vs {BASE} as `hific bench rd` computes it (cubic fit, MS-SSIM in dB, mean curves): "
      f"MS-SSIM {bd_cubic(ca, cb, 2):+.2f}%, PSNR {bd_cubic(ca, cb, 1):+.2f}%")
per = []
for i in images:
    a = curve(BASE, rates, [i]); b = curve(CTX, rates, [i])
    v = bd(a, b, 2)
    if not math.isnan(v): per.append(v)
per.sort()
if per:
    print(f"Per image (MS-SSIM): median {per[len(per) // 2]:+.2f}%, range {per[0]:+.2f}% .. {per[-1]:+.2f}% ({len(per)} images)")
if len(sys.argv) > 2:
    for r in csv.DictReader(open(sys.argv[2])):
        if r["codec"] in ("webp", "avif"):
            pts[r["codec"]][(r["image"], float(r["setting"]))] = r
    print()
    print("| anchor | images | base MS-SSIM | ctx MS-SSIM | base PSNR | ctx PSNR |")
    print("|---|---:|---:|---:|---:|---:|")
    for anchor in ("webp", "avif"):
        settings = sorted({s for (_, s) in pts[anchor]})
        imgs = [i for i in images if all((i, s) in pts[anchor] for s in settings)]
        if not imgs: continue
        an = curve(anchor, settings, imgs)
        la, lb = curve(BASE, rates, imgs), curve(CTX, rates, imgs)
        print(f"| {anchor} | {len(imgs)} | {bd(an, la, 2):+.2f}% | {bd(an, lb, 2):+.2f}% | {bd(an, la, 1):+.2f}% | {bd(an, lb, 1):+.2f}% |")
