"""Summaries of an `hific bench rd` sweep for docs/results/refine (plain Python, no numpy).

python3 analyse.py RD_DIR  -> markdown on stdout. Reads RD_DIR/rd-points.csv.
BD-rate: piecewise-linear log(bpp) against quality (PSNR dB, or MS-SSIM in dB = -10 log10(1 - MS-SSIM)),
averaged over only the quality range both curves cover. A curve whose quality does not rise with every
added bit is cut to its longest monotonic run from the lowest rate (the cut is reported), not fitted.
"""
import csv, math, sys, statistics
from collections import defaultdict

from bdrate import bd, monotonic

rows = list(csv.DictReader(open(sys.argv[1] + '/rd-points.csv')))
pts = defaultdict(dict)  # (codec) -> image -> [(setting, bpp, psnr, msdb, msssim, butter, bytes, tiles, kept)]
for r in rows:
    b = r['butteraugli_3norm']
    pts[r['codec']].setdefault(r['image'], []).append((float(r['setting']), float(r['bpp']), float(r['psnr']), float(r['msssim_db']),
        float(r['msssim']), float(b) if b else float('nan'), int(r['bytes']), int(r['refined_tiles'] or 0), int(r['tiles_kept_plain'] or 0)))
codecs = list(pts)
images = sorted(pts['hific-lite'])
refined = [c for c in codecs if c.startswith('hific-lite+refine')]
classic = [c for c in ['jpeg', 'webp', 'avif', 'heic'] if c in pts]

def curve(points, q):  # points sorted by bpp; q index 2 (psnr) or 3 (msdb)
    p = sorted(points, key=lambda x: x[1])
    return [(math.log(x[1]), x[q]) for x in p]


def mean_curve(codec, q):
    by = defaultdict(list)
    for im in images:
        for x in pts[codec].get(im, []): by[x[0]].append(x)
    out = []
    for s, xs in by.items():
        if len(xs) != len(images): continue
        out.append((s, statistics.mean(x[1] for x in xs), statistics.mean(x[2] for x in xs), statistics.mean(x[3] for x in xs)))
    return sorted([(math.log(x[1]), x[q]) for x in out])

print(f"{len(images)} images: {', '.join(images)}\n")
for qname, q in (('MS-SSIM (dB)', 3), ('PSNR', 2)):
    print(f"### BD-rate, {qname}: mean curves (per-image median, n images with overlap)\n")
    anchors = ['hific-lite'] + classic
    print('| curve | ' + ' | '.join(f'vs {a}' for a in anchors) + ' |\n|---|' + '---:|' * len(anchors))
    for t in ['hific-lite'] + refined + classic:
        cells = []
        mt, cut_t = monotonic(mean_curve(t, q))
        for a in anchors:
            if a == t: cells.append('—'); continue
            ma, cut_a = monotonic(mean_curve(a, q))
            v = bd(mt, ma)
            per = []
            cuts = 0
            for im in images:
                ct, c1 = monotonic(curve(pts[t][im], q)); ca, c2 = monotonic(curve(pts[a][im], q))
                cuts += c1
                if len(ct) > 1 and len(ca) > 1:
                    x = bd(ct, ca)
                    if x is not None: per.append(x)
            note = (' †' if cut_t or cut_a else '')
            cells.append(f"{v:+.1f}%{note} ({statistics.median(per):+.1f}%, n={len(per)})" if v is not None and per else 'no overlap')
        print(f"| {t} | " + ' | '.join(cells) + ' |')
    for t in ['hific-lite'] + refined + classic:
        full = mean_curve(t, q); mt, cut = monotonic(full)
        if cut: print(f"\n† {t}'s mean {qname} curve is not monotonic: used its first {len(mt)} of {len(full)} points (lowest rates).")
    print()

for t in refined:
    print(f"### {t} against plain, point by point (same image, same t)\n")
    worse_bits = worse_ms = worse_psnr = worse_any = 0; total = 0; kept = 0; tiles = 0
    per_image_worse = defaultdict(int)
    by_t = defaultdict(lambda: defaultdict(list))
    for im in images:
        plain = {x[0]: x for x in pts['hific-lite'][im]}
        for x in pts[t].get(im, []):
            p = plain.get(x[0])
            if p is None: continue
            total += 1; tiles += x[7]; kept += x[8]
            wb, wm, wp = x[6] > p[6], x[4] < p[4], x[2] < p[2]
            worse_bits += wb; worse_ms += wm; worse_psnr += wp
            if wb or wm or wp: worse_any += 1; per_image_worse[im] += 1
            d = by_t[x[0]]
            d['dbits'].append(x[6] / p[6] - 1); d['dms'].append(x[4] - p[4]); d['dpsnr'].append(x[2] - p[2])
            d['dbut'].append(x[5] - p[5]); d['kept'].append(x[8]); d['tiles'].append(x[7])
    print(f"points: {total}; worse in bytes: {worse_bits}, in MS-SSIM: {worse_ms}, in PSNR: {worse_psnr}; "
          f"any of these: {worse_any} (images with any: {len(per_image_worse)}); guard kept step 0 in {kept} of {tiles} tiles\n")
    print('| t | images | Δ bits (mean, min…max) | Δ MS-SSIM (mean, min…max) | Δ PSNR dB (mean) | Δ Butteraugli at equal t (mean; better/n) | kept step 0 |')
    print('|---:|---:|---|---|---:|---|---:|')
    for s in sorted(by_t):
        d = by_t[s]
        bb = [v for v in d['dbut'] if not math.isnan(v)]
        print(f"| {s:g} | {len(d['dbits'])} | {100*statistics.mean(d['dbits']):+.1f}% ({100*min(d['dbits']):+.1f}…{100*max(d['dbits']):+.1f}%) | "
              f"{statistics.mean(d['dms']):+.4f} ({min(d['dms']):+.4f}…{max(d['dms']):+.4f}) | {statistics.mean(d['dpsnr']):+.2f} | "
              f"{statistics.mean(bb):+.3f} ({sum(v < 0 for v in bb)}/{len(bb)}) | {sum(d['kept'])}/{sum(d['tiles'])} |")
    # Butteraugli at equal bits: refined curve's Butteraugli interpolated (in log bpp) at each plain point's bpp.
    better = n = 0; diffs = []
    for im in images:
        r = sorted(pts[t][im], key=lambda x: x[1])
        for p in pts['hific-lite'][im]:
            lb = math.log(p[1])
            for a, b in zip(r, r[1:]):
                la, lb2 = math.log(a[1]), math.log(b[1])
                if la <= lb <= lb2 and lb2 > la:
                    v = a[5] + (b[5] - a[5]) * (lb - la) / (lb2 - la)
                    diffs.append(v - p[5]); n += 1; better += v < p[5]
                    break
    if n: print(f"\nButteraugli (3-norm) at equal bits: refined curve interpolated in log-bpp at each plain point inside its bpp range: "
                f"better at {better} of {n} points, mean Δ {statistics.mean(diffs):+.3f}, median {statistics.median(diffs):+.3f}\n")
    if per_image_worse: print('images with a worse point: ' + ', '.join(f'{k} ({v})' for k, v in sorted(per_image_worse.items())) + '\n')
