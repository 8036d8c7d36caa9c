"""GPU timings for the operations sizing table (issue 21, item 5): the lite and paper networks' encode
and decode passes at the batch sizes a silo would use, on whatever device PyTorch finds.

The passes are hific_gpu.py's port of the C# networks (the same layers and shapes), with random weights
of each preset's sizes (timing does not depend on the values). Per preset, tile size and batch:
  encode = encoder + hyper-analysis + both hyper-syntheses (what a silo's encoder runs per tile batch),
  decode = generator (the hyper-synthesis of decoding runs on the CPU in integer arithmetic),
in float32 and, with --half, float16 autocast (bfloat16 on a CPU). Reported: ms per batch (median of --repeat after
--warmup), images/s and MP/s, peak GPU memory. Writes OUT/gpu-timings.json and .md.

Usage (on the lent machine, after `apt-get install -y python3-torch python3-numpy` where needed):
  python3 tools/gpu-train/bench_gpu.py --out $OUT [--presets lite,paper] [--tile 512] [--batches 1,4,8,16]
It also runs on a CPU (small --tile and --batches) to check it works.
"""
import argparse, contextlib, json, os, statistics, sys, time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hific_gpu as hg

# src/HiFiC.Codec/Networks/HificPreset.cs
PRESETS = {
    'lite': dict(stem=24, enc=[48, 96, 192, 384], latent=128, hyper=128, z=96, gen=256, blocks=6, up=[128, 64, 32, 16]),
    'paper': dict(stem=60, enc=[120, 240, 480, 960], latent=220, hyper=320, z=320, gen=960, blocks=9, up=[480, 240, 120, 60]),
}


def parameters(p, device):
    """Random weights under the C# names hific_gpu.py reads, with each layer's real shape."""
    P = {}

    def conv(name, cin, cout, k):
        P[name + '.weight'] = torch.randn(cout, cin, k, k, device=device) * (2.0 / (cin * k * k)) ** 0.5
        P[name + '.bias'] = torch.zeros(cout, device=device)

    def up(name, cin, cout, k):
        P[name + '.weight'] = torch.randn(cin, cout, k, k, device=device) * (2.0 / (cin * k * k)) ** 0.5
        P[name + '.bias'] = torch.zeros(cout, device=device)

    def norm(name, c):
        P[name + '.gamma'] = torch.ones(1, c, 1, 1, device=device)
        P[name + '.beta'] = torch.zeros(1, c, 1, 1, device=device)

    conv(hg.E + 'stem', 3, p['stem'], 7); norm(hg.E + 'stem_norm', p['stem'])
    c = p['stem']
    for i, e in enumerate(p['enc']):
        conv(hg.E + f'down{i}', c, e, 3); norm(hg.E + f'down{i}_norm', e); c = e
    conv(hg.E + 'to_latent', c, p['latent'], 3)
    conv(hg.HA + 'conv0', p['latent'], p['hyper'], 3)
    conv(hg.HA + 'conv1', p['hyper'], p['hyper'], 5)
    conv(hg.HA + 'conv2', p['hyper'], p['z'], 5)
    for prefix in (hg.HM, hg.HS):
        up(prefix + 'up0', p['z'], p['hyper'], 5); up(prefix + 'up1', p['hyper'], p['hyper'], 5)
        conv(prefix + 'conv2', p['hyper'], p['latent'], 3)
    norm(hg.G + 'inputNorm', p['latent'])
    conv(hg.G + 'head', p['latent'], p['gen'], 3); norm(hg.G + 'headNorm', p['gen'])
    for i in range(p['blocks']):
        b = hg.G + f'blocks.block{i}.'
        conv(b + 'conv1', p['gen'], p['gen'], 3); norm(b + 'norm1', p['gen'])
        conv(b + 'conv2', p['gen'], p['gen'], 3); norm(b + 'norm2', p['gen'])
    c = p['gen']
    for i, u in enumerate(p['up']):
        up(hg.G + f'upsample.up{i}', c, u, 3); norm(hg.G + f'upsample.up{i}_norm', u); c = u
    conv(hg.G + 'toRgb', c, 3, 7)
    return P


def encode(P, x):
    y = hg.encoder(P, x)
    z = hg.hyper_analysis(P, y).round()
    return y, hg.hyper_synthesis(P, hg.HM, z), hg.hyper_synthesis(P, hg.HS, z)


def decode(P, y):
    return hg.generator(P, y)


def sync(device):
    if device.type == 'cuda':
        torch.cuda.synchronize()


def time_pass(fn, device, warmup, repeat):
    for _ in range(warmup):
        fn()
    sync(device)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        sync(device)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    ap.add_argument('--presets', default='lite,paper')
    ap.add_argument('--tile', type=int, default=512)
    ap.add_argument('--batches', default='1,4,8,16')
    ap.add_argument('--warmup', type=int, default=3)
    ap.add_argument('--repeat', type=int, default=10)
    ap.add_argument('--half', action='store_true', help='also time float16 autocast')
    ap.add_argument('--deadline', type=float, default=480, help='seconds; stop starting new measurements after it')
    a = ap.parse_args()
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    torch.backends.cudnn.benchmark = True
    start = time.time()
    rows = []
    name = torch.cuda.get_device_name(0) if device.type == 'cuda' else f'CPU ({torch.get_num_threads()} threads)'
    print(f'device: {name}', flush=True)
    for preset in a.presets.split(','):
        P = parameters(PRESETS[preset], device)
        latent = a.tile // 16
        half = 'float16' if device.type == 'cuda' else 'bfloat16'  # CPU autocast takes bfloat16 only
        for dtype in (['float32', half] if a.half else ['float32']):
            for batch in [int(b) for b in a.batches.split(',')]:
                if time.time() - start > a.deadline:
                    print('deadline reached; stopping', flush=True)
                    break
                x = torch.rand(batch, 3, a.tile, a.tile, device=device)
                y = torch.randn(batch, PRESETS[preset]['latent'], latent, latent, device=device)
                ctx = torch.autocast(device.type, dtype=getattr(torch, dtype)) if dtype != 'float32' else contextlib.nullcontext()
                try:
                    if device.type == 'cuda':
                        torch.cuda.reset_peak_memory_stats()
                    with torch.no_grad(), ctx:
                        t_enc = time_pass(lambda: encode(P, x), device, a.warmup, a.repeat)
                        t_dec = time_pass(lambda: decode(P, y), device, a.warmup, a.repeat)
                    peak = torch.cuda.max_memory_allocated() / 2 ** 20 if device.type == 'cuda' else None
                except torch.cuda.OutOfMemoryError:
                    print(f'{preset} {dtype} batch {batch}: out of memory', flush=True)
                    torch.cuda.empty_cache()
                    continue
                mp = batch * a.tile * a.tile / 1e6
                row = dict(preset=preset, dtype=dtype, tile=a.tile, batch=batch,
                           encode_ms=t_enc * 1e3, decode_ms=t_dec * 1e3,
                           encode_images_per_s=batch / t_enc, decode_images_per_s=batch / t_dec,
                           encode_mp_per_s=mp / t_enc, decode_mp_per_s=mp / t_dec, peak_mib=peak)
                rows.append(row)
                print(json.dumps(row), flush=True)
        del P
        if device.type == 'cuda':
            torch.cuda.empty_cache()
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, 'gpu-timings.json'), 'w') as f:
        json.dump(dict(device=name, torch=torch.__version__, rows=rows), f, indent=1)
    with open(os.path.join(a.out, 'gpu-timings.md'), 'w') as f:
        f.write(f'Device: {name}, PyTorch {torch.__version__}, {a.tile}² tiles, median of {a.repeat} after {a.warmup} warm-up passes.\n\n')
        f.write('| preset | dtype | batch | encode ms | decode ms | encode images/s | decode images/s | encode MP/s | decode MP/s | peak MiB |\n')
        f.write('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n')
        for r in rows:
            peak = f"{r['peak_mib']:.0f}" if r['peak_mib'] is not None else ''
            f.write(f"| {r['preset']} | {r['dtype']} | {r['batch']} | {r['encode_ms']:.1f} | {r['decode_ms']:.1f} | "
                    f"{r['encode_images_per_s']:.3g} | {r['decode_images_per_s']:.3g} | {r['encode_mp_per_s']:.3g} | {r['decode_mp_per_s']:.3g} | {peak} |\n")
    print(f'wrote {a.out}/gpu-timings.md', flush=True)


if __name__ == '__main__':
    main()
