"""Per-image detail of an `hific bench rd` sweep for docs/results/refine (plain Python, no numpy).

python3 per_image.py RD_DIR -> markdown on stdout: each refined curve's MS-SSIM and PSNR BD-rate against
plain hific-lite per image (the same piecewise-linear method and monotonic cut as analyse.py), how many
images reach -10%, and encode seconds per megapixel per curve (the bench's wall-clock encode time of
each point, one thread; under this machine's load, so read the ratios, not the absolute numbers).
"""
import csv, math, statistics, sys
from collections import defaultdict

from bdrate import bd, monotonic

rows = list(csv.DictReader(open(sys.argv[1] + '/rd-points.csv')))
pts = defaultdict(lambda: defaultdict(list))
for r in rows:
    pts[r['codec']][r['image']].append((float(r['bpp']), float(r['psnr']), float(r['msssim_db']),
                                        float(r['encode_s']), int(r['width']) * int(r['height'])))

def curve(points, q):
    return [(math.log(x[0]), x[q]) for x in sorted(points)]


plain = pts['hific-lite']
for t in [c for c in pts if c.startswith('hific-lite+refine')]:
    print(f"### {t} against hific-lite, BD-rate per image\n")
    print('| image | MS-SSIM | PSNR |\n|---|---:|---:|')
    res = {2: [], 1: []}
    for im in sorted(pts[t]):
        cells = []
        for q in (2, 1):
            ct, c1 = monotonic(curve(pts[t][im], q)); ca, c2 = monotonic(curve(plain[im], q))
            v = bd(ct, ca) if len(ct) > 1 and len(ca) > 1 else None
            if v is not None: res[q].append(v)
            cells.append('no overlap' if v is None else f"{v:+.1f}%" + (' †' if c1 or c2 else ''))
        print(f"| {im} | " + ' | '.join(cells) + ' |')
    for q, name in ((2, 'MS-SSIM'), (1, 'PSNR')):
        v = res[q]
        print(f"\n{name}: {len(v)} images, median {statistics.median(v):+.1f}%, mean {statistics.mean(v):+.1f}%, "
              f"range {min(v):+.1f} … {max(v):+.1f}%, at −10% or better: {sum(x <= -10 for x in v)}, worse than 0: {sum(x > 0 for x in v)}")
    print("\n† a curve cut at its last rising point (analyse.py's rule)\n")

print("### Encode time per curve (bench wall-clock seconds per point / megapixels, one thread)\n")
print('| curve | points | mean s/MP | median s/MP |\n|---|---:|---:|---:|')
for c in pts:
    if not c.startswith('hific-lite'): continue
    v = [x[3] / (x[4] / 1e6) for im in pts[c] for x in pts[c][im]]
    print(f"| {c} | {len(v)} | {statistics.mean(v):.0f} | {statistics.median(v):.0f} |")
