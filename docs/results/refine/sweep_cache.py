#!/usr/bin/env python3
"""Keeps the refinement sweep's learned points usable by another build of the same source.

The bench keys a learned point by SHA-256 of (pixel hash, "learned", the codec's cache identity, rate), as in
src/HiFiC.Evaluation/RdPointCache.cs; the identity names the model's digest, refinement steps, tile size and the
SHA-256 of the HiFiC.Codec.dll that measured it. The sweep's cache lives in runs/ (not in git, lost with its
machine), so scripts/refine-sweep.sh saves it to docs/results/refine/full30/sweep-cache.tsv and, where the
frozen commit's rebuild hashes differently, re-keys its learned lines for the new dll (classic codecs' keys
name tool versions, not our build, and pass unchanged).

  sweep_cache.py rekey CACHE.tsv EVAL_DIR MODEL_DIGEST OLD_DLL_SHA256 NEW_DLL > new.tsv
  sweep_cache.py from-csv POINTS.csv EVAL_DIR MODEL_DIGEST DLL [--check CACHE.tsv] >> cache.tsv

from-csv was used once, on 2026-12-07, when the first cache was lost: the learned points of the first 14 photos
survive in full14-interim/rd-points.csv, measured by the same source (a80f6fb), and went back into the cache as
printed there (PSNR to 4 decimals, MS-SSIM to 7 digits, not the full precision the cache first held).
"""
import csv, hashlib, os, struct, sys, zlib

def rgb8_pixels(path):
    """The RGB samples of a non-interlaced 8-bit RGB PNG (all the eval photos), as ImageIO loads them."""
    data = open(path, 'rb').read()
    pos, idat, w, h = 8, b'', 0, 0
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
            if (depth, ctype, interlace) != (8, 2, 0): sys.exit(f'{path}: not 8-bit RGB without interlace')
        elif kind == b'IDAT': idat += body
        pos += 12 + n
    raw, stride, out, prev = zlib.decompress(idat), w * 3, bytearray(), bytearray(w * 3)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 3] if i >= 3 else 0
            b, c = prev[i], (prev[i - 3] if i >= 3 else 0)
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out += line; prev = line
    return w, h, bytes(out)

def rate_text(t):
    """C#'s double.ToString("R") for the bench's rates."""
    v = float(t)
    return str(int(v)) if v == int(v) else repr(v)

STEPS = (0, 40)  # plain hific-lite and `balanced`, the sweep's two learned curves
RATES = ('-0.5', '0', '0.4', '0.8', '1.2', '1.6', '2')

def pixel_hashes(eval_dir):
    result = {}
    for f in sorted(os.listdir(eval_dir)):
        if not f.endswith('.png'): continue
        w, h, px = rgb8_pixels(os.path.join(eval_dir, f))
        result[f[:-4]] = hashlib.sha256(f'{w}x{h}:'.encode() + px).hexdigest()
    return result

def key(pixel_hash, digest, steps, build, rate):
    # The bench's plain codec keeps LearnedCodec's default tile (512), its refined ones RdBenchmarkOptions.RefineTileSize (1024).
    identity = f'{digest}|refine {steps}|tile {1024 if steps else 512}|codec {build}'
    return hashlib.sha256('\n'.join([pixel_hash, 'learned', identity, rate_text(rate)]).encode()).hexdigest()

def rekey(cache, eval_dir, digest, old_build, new_dll):
    new_build = hashlib.sha256(open(new_dll, 'rb').read()).hexdigest()
    moved = {}
    for ph in pixel_hashes(eval_dir).values():
        for steps in STEPS:
            for t in RATES:
                moved[key(ph, digest, steps, old_build, t)] = key(ph, digest, steps, new_build, t)
    n = 0
    for line in open(cache):
        k, _, rest = line.partition('\t')
        if k in moved: k, n = moved[k], n + 1
        sys.stdout.write(k + '\t' + rest)
    print(f'{n} learned points re-keyed for the dll {new_build[:12]}', file=sys.stderr)

def from_csv(points, eval_dir, digest, dll, check):
    build = hashlib.sha256(open(dll, 'rb').read()).hexdigest()
    hashes = pixel_hashes(eval_dir)
    known = {l.split('\t')[0]: l.rstrip('\n') for l in open(check)} if check else None
    for r in csv.DictReader(open(points)):
        if r['kind'] != 'learned' or r['image'] not in hashes: continue
        steps = int(r['codec'].split('+refine')[1]) if '+refine' in r['codec'] else 0
        k = key(hashes[r['image']], digest, steps, build, r['setting'])
        if known is not None:
            print(r['image'], r['codec'], r['setting'], 'found' if k in known else 'MISSING', file=sys.stderr)
        else:
            print('\t'.join([k, r['bytes'], r['psnr'], r['msssim'], r['encode_s'], r['decode_s'], r['butteraugli_3norm'],
                             r['refined_tiles'], r['tiles_kept_plain']]))

if __name__ == '__main__':
    a = sys.argv[1:]
    if a[:1] == ['rekey'] and len(a) == 6: rekey(*a[1:])
    elif a[:1] == ['from-csv'] and len(a) in (5, 7): from_csv(*a[1:5], a[6] if len(a) == 7 else None)
    else: sys.exit(__doc__)
