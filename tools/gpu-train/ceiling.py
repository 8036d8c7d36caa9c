"""Is a model limited by its rate or by its networks? On a centre crop (up to 512 px) of every eval
image, for each rate t: the coded result (rounding as in the codec; bpp from the entropy model, which
the real files match within a percent) and the same latents unquantized, i.e. the best the encoder
and generator can do at that gain with unlimited bits. When the coded PSNR is close to the
unquantized one, more bits cannot buy more fidelity: only a better autoencoder (training, widths) can.
Rates outside [0, levels-1] extrapolate the gains geometrically (RateGains interpolates in log space),
which the codec itself does not allow; they show what a level past `lo` or `hi` would cost and give.
Writes a Markdown table to stdout.

usage: ceiling.py EVAL_DIR [--rates 0,1,2,2.5,3] MODEL_DIR [MODEL_DIR ...]   (Debian python3: numpy, PIL, torch)
"""
import argparse, json, math, os, sys
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageOps
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sdio
import hific_gpu as H

SIDE = 512


def crops(eval_dir):
    """Centre crops, square, a multiple of 64 px, at most SIDE: [C,H,W] in [0,1] each."""
    out = []
    for n in sorted(os.listdir(eval_dir)):
        if os.path.splitext(n)[1].lower() not in ('.png', '.jpg', '.jpeg', '.webp'):
            continue
        a = np.asarray(ImageOps.exif_transpose(Image.open(os.path.join(eval_dir, n))).convert('RGB'))
        h, w = a.shape[:2]
        s = min(SIDE, h // 64 * 64, w // 64 * 64)
        if s < 64:
            continue
        c = a[(h - s) // 2:(h - s) // 2 + s, (w - s) // 2:(w - s) // 2 + s].transpose(2, 0, 1)
        out.append(torch.from_numpy(c.copy()).float()[None] / 255)
    return out


def log_gains(logs, t):
    """RateGains.Interpolate, extended linearly (in log space) past the first and last levels."""
    a = max(0, min(int(math.floor(t)), logs.shape[0] - 2))
    f = t - a
    return (logs[a] * (1 - f) + logs[a + 1] * f).reshape(1, -1, 1, 1)


def code(W, x, t):
    """(bpp, coded reconstruction, unquantized reconstruction), both rounded to 8 bits."""
    y = H.encoder(W, x * 2 - 1) * log_gains(W[H.GA + 'logGain'], t).exp()
    z = H.hyper_analysis(W, y).round()
    mean = H.hyper_synthesis(W, H.HM, z)
    scale = F.softplus(H.hyper_synthesis(W, H.HS, z)) + 0.11
    y_hat = (y - mean).round() + mean
    bits = -H.gaussian_likelihood(y_hat, mean, scale).log2().sum() - H.factorized_likelihood(W, z).log2().sum()
    inverse = log_gains(W[H.GA + 'logInverseGain'], t).exp()
    to8 = lambda g: ((g + 1) * 0.5).clamp(0, 1).mul(255).round().div(255)
    return bits.item() / (x.shape[2] * x.shape[3]), to8(H.generator(W, y_hat * inverse)), to8(H.generator(W, y * inverse))


def psnr(a, b):
    return 10 * math.log10(255 ** 2 / ((a - b) * 255).square().mean().item())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('eval_dir')
    ap.add_argument('models', nargs='+')
    ap.add_argument('--rates', default='0,1,2,2.5,3')
    a = ap.parse_args()
    torch.set_num_threads(2)
    images = crops(a.eval_dir)
    print(f'{len(images)} centre crops (square, up to {SIDE} px) from {a.eval_dir}; means over crops\n')
    print('| model | steps | t | bpp | PSNR (dB) | MS-SSIM | unquantized PSNR | unquantized MS-SSIM |')
    print('|---|---:|---:|---:|---:|---:|---:|---:|')
    for m in a.models:
        card = json.load(open(os.path.join(m, 'model.json')))
        W = {k: torch.tensor(v.astype(np.float32)) for k, v in sdio.load(os.path.join(m, 'weights.bin')).items()}
        for t in (float(v) for v in a.rates.split(',')):
            rows = []
            with torch.no_grad():
                for x in images:
                    bpp, coded, unq = code(W, x, t)
                    rows.append((bpp, psnr(coded, x), H.ms_ssim(coded, x).item(), psnr(unq, x), H.ms_ssim(unq, x).item()))
            m_ = np.mean(rows, axis=0)
            print(f"| {card['id']} ({card['digest'][:8]}) | {card['training']['steps']} | {t:g} | {m_[0]:.3f} | {m_[1]:.2f} | {m_[2]:.4f} | {m_[3]:.2f} | {m_[4]:.4f} |", flush=True)


if __name__ == '__main__':
    main()
