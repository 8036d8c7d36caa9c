#!/usr/bin/env python3
"""Whole-file decode speed of two hific builds, side by side in one run (issue 21 item 2).

Usage: scripts/bench-decode.py OLD_HIFIC NEW_HIFIC OUT_DIR [--rounds N] [--threads 1,2] [--isa AVX512_CORE]

Inputs: the samples/ photos and a 512x512 crop of the flower, compressed once with OLD (format its
decoder reads; the new decoder reads every old file). Each round decodes every file with both builds,
alternating which goes first, one process per build and round: `hific decompress` of a folder holding
the file 1 + --copies times, so the first decode pays the model load and oneDNN's first-use costs
and the others are warm whole-file decodes as a silo or a batch sees them (header, entropy decoding,
synthesis, PNG write; the CLI's own per-file time). Reported per file and thread count: the median of
the warm decodes' times, MP/s, the ratio old/new, the process's CPU time (user + sys, less
sensitive to other load on shared cores) and peak RSS, and the pixel difference of the two outputs
(max abs difference of 8-bit values, PSNR). Writes OUT_DIR/results.md and results.json.
"""
import argparse, json, math, os, re, statistics, struct, subprocess, sys, time, zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_ppm(png):
    """Pixels of a PNG as (w, h, bytes) via `convert FILE ppm:-` (the machine's stand-in prints PPM)."""
    data = subprocess.run(["convert", png, "ppm:-"], check=True, capture_output=True).stdout
    tokens, pos = [], 0
    while len(tokens) < 4:
        while data[pos:pos + 1].isspace(): pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1; continue
        start = pos
        while not data[pos:pos + 1].isspace(): pos += 1
        tokens.append(data[start:pos])
    assert tokens[0] == b"P6" and tokens[3] == b"255", tokens
    w, h = int(tokens[1]), int(tokens[2])
    return w, h, data[pos + 1:pos + 1 + w * h * 3]


def write_png(path, w, h, rgb):
    raw = b"".join(b"\x00" + rgb[y * w * 3:(y + 1) * w * 3] for y in range(h))
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def crop(src, dst, x, y, cw, ch):
    w, h, rgb = read_ppm(src)
    out = b"".join(rgb[((y + r) * w + x) * 3:((y + r) * w + x + cw) * 3] for r in range(ch))
    write_png(dst, cw, ch, out)


def compare(a, b):
    wa, ha, pa = read_ppm(a)
    wb, hb, pb = read_ppm(b)
    assert (wa, ha) == (wb, hb), (a, b)
    mx, se, n_diff = 0, 0, 0
    for u, v in zip(pa, pb):
        d = u - v if u > v else v - u
        if d:
            n_diff += 1; se += d * d
            if d > mx: mx = d
    mse = se / len(pa)
    return {"maxAbs": mx, "valuesDiffering": n_diff, "values": len(pa),
            "psnr": (math.inf if mse == 0 else 10 * math.log10(255 * 255 / mse))}


def run(cmd, env):
    """Runs one process; returns (stdout, wall seconds, cpu seconds, peak RSS MB)."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    out = p.stdout.read().decode(errors="replace")
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{out}")
    return out, time.monotonic() - t0, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("old"); ap.add_argument("new"); ap.add_argument("out")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--copies", type=int, default=2, help="warm decodes per process")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--isa", default="AVX512_CORE", help="DNNL_MAX_CPU_ISA for both builds ('' leaves it unset)")
    ap.add_argument("--files", default="", help="comma-separated subset of input names")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    work = os.path.join(a.out, "work"); os.makedirs(work, exist_ok=True)
    env = dict(os.environ)
    if a.isa: env["DNNL_MAX_CPU_ISA"] = a.isa
    samples = sorted(f for f in os.listdir(os.path.join(ROOT, "samples")) if f.endswith(".png"))
    inputs = []
    for f in samples:
        inputs.append((f[:-4], os.path.join(ROOT, "samples", f)))
    crop_png = os.path.join(work, "flower-crop512.png")
    if not os.path.exists(crop_png):
        crop(os.path.join(ROOT, "samples", "B01_flower.png"), crop_png, 300, 120, 512, 512)
    inputs.append(("flower-crop512", crop_png))
    if a.files: inputs = [i for i in inputs if i[0] in a.files.split(",")]
    files = []
    for name, png in inputs:
        hific = os.path.join(work, name + ".hific")
        if not os.path.exists(hific):
            run([a.old, "compress", png, "-o", hific, "--overwrite"], env)
        w, h, _ = read_ppm(png)
        files.append((name, hific, w * h))
    results = []
    for threads in [int(t) for t in a.threads.split(",")]:
        for name, hific, pixels in files:
            times = {"old": [], "new": []}
            for r in range(a.rounds):
                order = ["old", "new"] if r % 2 == 0 else ["new", "old"]
                for which in order:
                    exe = a.old if which == "old" else a.new
                    folder = os.path.join(work, f"{name}.in")
                    if not os.path.isdir(folder):
                        os.makedirs(folder)
                        for c in range(1 + a.copies):
                            os.link(hific, os.path.join(folder, f"c{c}.hific"))
                    dest = os.path.join(work, f"{name}.{which}.t{threads}")
                    out, wall, cpu, rss = run([exe, "decompress", folder, "-o", dest, "--overwrite", "--threads", str(threads)], env)
                    secs = [float(m.group(2)) / (1000 if m.group(3) == "ms" else 1)
                            for m in re.finditer(r"\[(\d+)/\d+\] c\d+\.hific: .*?PNG, ([0-9.]+) (ms|s)\b", out)]
                    if len(secs) != 1 + a.copies: sys.exit(f"could not read the per-file times:\n{out}")
                    warm = statistics.median(secs[1:])
                    times[which].append((warm, cpu, rss, secs[0]))
                    print(f"t{threads} {name} {which}: warm {warm:.3f} s (first {secs[0]:.2f} s, process cpu {cpu:.2f} s, {rss:.0f} MB)", flush=True)
            diff = compare(os.path.join(work, f"{name}.old.t{threads}", "c0.png"), os.path.join(work, f"{name}.new.t{threads}", "c0.png"))
            med = {k: (statistics.median(x[0] for x in v), statistics.median(x[1] for x in v), max(x[2] for x in v)) for k, v in times.items()}
            row = {"file": name, "pixels": pixels, "threads": threads,
                   "oldSeconds": med["old"][0], "newSeconds": med["new"][0],
                   "oldCpuSeconds": med["old"][1], "newCpuSeconds": med["new"][1],
                   "oldMps": pixels / 1e6 / med["old"][0], "newMps": pixels / 1e6 / med["new"][0],
                   "speedup": med["old"][0] / med["new"][0], "cpuSpeedup": med["old"][1] / med["new"][1],
                   "oldPeakRssMb": med["old"][2], "newPeakRssMb": med["new"][2],
                   "runs": times, **diff}
            results.append(row)
            print(json.dumps({k: v for k, v in row.items() if k != "runs"}), flush=True)
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump({"isa": a.isa, "rounds": a.rounds, "old": a.old, "new": a.new, "results": results}, f, indent=1)
    lines = ["| file | px | threads | old s (warm) | new s (warm) | old MP/s | new MP/s | speed-up (wall) | process CPU old / new s | peak RSS old / new MB | max abs diff | values differing | PSNR old vs new dB |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['file']} | {r['pixels']} | {r['threads']} | {r['oldSeconds']:.2f} | {r['newSeconds']:.2f} | {r['oldMps']:.3f} | {r['newMps']:.3f} | "
                     f"**{r['speedup']:.2f}x** | {r['oldCpuSeconds']:.1f} / {r['newCpuSeconds']:.1f} | {r['oldPeakRssMb']:.0f} / {r['newPeakRssMb']:.0f} | {r['maxAbs']} | {r['valuesDiffering']} / {r['values']} | {r['psnr']:.1f} |")
    for t in sorted({r["threads"] for r in results}):
        rs = [r for r in results if r["threads"] == t]
        gm = math.exp(sum(math.log(r["speedup"]) for r in rs) / len(rs))
        lines.append(f"| **geometric mean, {t} thread(s)** | | {t} | | | | | **{gm:.2f}x** | | | | | |")
    with open(os.path.join(a.out, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
