"""How much fine detail models keep: on a 256 px centre crop of every eval image, coded at each rate
level by the PyTorch port of the network (hific_gpu.forward, rounding as in the codec), the mean
squared Laplacian of the luma relative to the original's. 1.0 keeps the original's high-frequency
energy, a blurred reconstruction falls well below it; GAN training should raise it at about the same
bpp. PSNR and MS-SSIM of the same crops are printed beside it, since detail is only worth having
where it does not cost fidelity. Writes a Markdown table to stdout.

usage: detail.py EVAL_DIR MODEL_DIR [MODEL_DIR ...]      (Debian python3: numpy, PIL, torch)
"""
import json, math, os, sys
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageOps
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sdio
import hific_gpu as H

CROP = 256


def crops(eval_dir):
    names = sorted(n for n in os.listdir(eval_dir) if os.path.splitext(n)[1].lower() in ('.png', '.jpg', '.jpeg', '.webp'))
    out = []
    for n in names:
        a = np.asarray(ImageOps.exif_transpose(Image.open(os.path.join(eval_dir, n))).convert('RGB'))
        h, w = a.shape[:2]
        if min(h, w) < CROP:
            continue
        out.append(a[(h - CROP) // 2:(h - CROP) // 2 + CROP, (w - CROP) // 2:(w - CROP) // 2 + CROP].transpose(2, 0, 1))
    return torch.from_numpy(np.stack(out)).float() / 255


def laplacian_energy(x01):
    luma = x01.mean(1, keepdim=True) * 255
    k = torch.tensor([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=torch.float32).view(1, 1, 3, 3)
    return F.conv2d(luma, k).square().mean((1, 2, 3))


def main():
    eval_dir, models = sys.argv[1], sys.argv[2:]
    torch.set_num_threads(2)
    x = crops(eval_dir)
    reference = laplacian_energy(x)
    print(f'{x.shape[0]} centre crops of {CROP} px from {eval_dir}; detail = mean squared Laplacian of luma / the original\'s (median over crops)\n')
    print('| model | level | bpp | PSNR (dB) | MS-SSIM | detail |')
    print('|---|---|---:|---:|---:|---:|')
    for m in models:
        card = json.load(open(os.path.join(m, 'model.json')))
        W = {k: torch.tensor(v.astype(np.float32)) for k, v in sdio.load(os.path.join(m, 'weights.bin')).items()}
        for level, rate in enumerate(card['rates']):
            rows = []
            with torch.no_grad():
                for i in range(0, x.shape[0], 6):
                    b = x[i:i + 6]
                    xh, bpp, _ = H.forward(W, b, level, noisy=False)
                    xh = (xh.clamp(0, 1) * 255).round() / 255
                    mse = ((xh - b) * 255).square().mean((1, 2, 3))
                    rows.append((bpp, 10 * torch.log10(255 ** 2 / mse), H.ms_ssim(xh, b), laplacian_energy(xh)))
            bpp, psnr, ms, hf = (torch.cat(c) for c in zip(*rows))
            detail = (hf / reference).median().item()
            print(f"| {card['id']} ({card['digest'][:8]}) | {rate['name']} | {bpp.mean():.3f} | {psnr.mean():.2f} | {ms.mean():.4f} | {detail:.2f} |")


if __name__ == '__main__':
    main()
