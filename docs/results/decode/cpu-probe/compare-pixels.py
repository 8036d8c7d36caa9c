#!/usr/bin/env python3
"""Pixel difference of two folders of decoded PNGs with the same names (old and new decoder).

Usage: compare-pixels.py OLD_DIR NEW_DIR > table.md
Prints a markdown table per file: max abs difference of the 8-bit values, how many differ, and the
PSNR between the two; the last line is the worst difference over all files. Reads PNGs through
`convert FILE ppm:-` as scripts/bench-decode.py does.
"""
import glob, importlib.util, math, os, sys

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("bench_decode", os.path.join(here, "..", "..", "..", "..", "scripts", "bench-decode.py"))
bench_decode = importlib.util.module_from_spec(spec); spec.loader.exec_module(bench_decode)

old_dir, new_dir = sys.argv[1], sys.argv[2]
worst, rows = 0, []
for old in sorted(glob.glob(os.path.join(old_dir, "*.png"))):
    name = os.path.basename(old)
    w, h, a = bench_decode.read_ppm(old)
    w2, h2, b = bench_decode.read_ppm(os.path.join(new_dir, name))
    assert (w, h) == (w2, h2), name
    diffs = [abs(p - q) for p, q in zip(a, b)]
    top, differing, se = max(diffs), sum(1 for d in diffs if d), sum(d * d for d in diffs)
    psnr = float("inf") if se == 0 else 10 * math.log10(255 ** 2 / (se / len(diffs)))
    worst = max(worst, top)
    rows.append(f"| {name[:-4]} | {w}x{h} | {top} | {differing} / {len(diffs)} | {psnr:.1f} |")
print("| file | size | max abs diff | values differing | PSNR old vs new dB |")
print("|---|---|---:|---:|---:|")
print("\n".join(rows))
print(f"\nworst: {worst}")
