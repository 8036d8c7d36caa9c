"""HiFiC lite rate-distortion training on a GPU, in PyTorch, on weights saved by the C# trainer.

A faithful port of src/HiFiC.Codec/Model (forward pass) and src/HiFiC.Training (HificLoss, recipe)
that reads and writes TorchSharp's state-dict format with the C# parameter names, so the result
resumes in `hific train` and ships with `scripts/ship-model.sh`.
"""
import argparse, json, math, os, random, sys, time
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sdio

E = '<Encoder>k__BackingField.layers.'
H = '<Hyperprior>k__BackingField.'
HA = H + '<Analysis>k__BackingField.layers.'
HM = H + '<MeanSynthesis>k__BackingField.layers.'
HS = H + '<ScaleSynthesis>k__BackingField.layers.'
ZD = H + '<ZDensity>k__BackingField.'
GA = '<Gains>k__BackingField.'
G = '<Generator>k__BackingField.'


def conv_reflect(x, P, name):
    w = P[name + '.weight']
    pad = w.shape[-1] // 2
    return F.conv2d(F.pad(x, (pad, pad, pad, pad), mode='reflect'), w, P[name + '.bias'])


def channel_norm(x, P, name):
    centred = x - x.mean(1, keepdim=True)
    variance = centred.square().mean(1, keepdim=True)
    return centred * (variance + 1e-3).rsqrt() * P[name + '.gamma'] + P[name + '.beta']


def encoder(P, x):
    h = F.relu(channel_norm(conv_reflect(x, P, E + 'stem'), P, E + 'stem_norm'))
    for i in range(4):
        h = F.conv2d(h, P[E + f'down{i}.weight'], P[E + f'down{i}.bias'], stride=2, padding=1)
        h = F.relu(channel_norm(h, P, E + f'down{i}_norm'))
    return conv_reflect(h, P, E + 'to_latent')


def hyper_analysis(P, y):
    h = F.relu(F.conv2d(y, P[HA + 'conv0.weight'], P[HA + 'conv0.bias'], padding=1))
    h = F.relu(F.conv2d(h, P[HA + 'conv1.weight'], P[HA + 'conv1.bias'], stride=2, padding=2))
    return F.conv2d(h, P[HA + 'conv2.weight'], P[HA + 'conv2.bias'], stride=2, padding=2)


def hyper_synthesis(P, prefix, z):
    h = F.relu(F.conv_transpose2d(z, P[prefix + 'up0.weight'], P[prefix + 'up0.bias'], stride=2, padding=2, output_padding=1))
    h = F.relu(F.conv_transpose2d(h, P[prefix + 'up1.weight'], P[prefix + 'up1.bias'], stride=2, padding=2, output_padding=1))
    return F.conv2d(h, P[prefix + 'conv2.weight'], P[prefix + 'conv2.bias'], padding=1)


def logits_cumulative(P, x):
    logits = x
    for i in range(4):
        logits = F.softplus(P[ZD + f'matrices.{i}']).matmul(logits) + P[ZD + f'biases.{i}']
        if i < 3:
            logits = logits + P[ZD + f'factors.{i}'].tanh() * logits.tanh()
    return logits


def factorized_likelihood(P, z):
    n, c, h, w = z.shape
    flat = z.permute(1, 0, 2, 3).reshape(c, 1, -1)
    lower = logits_cumulative(P, flat - 0.5)
    upper = logits_cumulative(P, flat + 0.5)
    sign = -(lower + upper).sign().detach()
    lik = (torch.sigmoid(sign * upper) - torch.sigmoid(sign * lower)).abs().clamp_min(1e-9)
    return lik.reshape(c, n, h, w).permute(1, 0, 2, 3)


def standard_cumulative(x):
    return 0.5 * torch.erfc(x * (-1.0 / math.sqrt(2.0)))


def gaussian_likelihood(y, mean, scale):
    values = (y - mean).abs()
    upper = standard_cumulative((0.5 - values) / scale)
    lower = standard_cumulative((-0.5 - values) / scale)
    return (upper - lower).clamp_min(1e-9)


def generator(P, y_hat):
    h = channel_norm(conv_reflect(channel_norm(y_hat, P, G + 'inputNorm'), P, G + 'head'), P, G + 'headNorm')
    r = h
    for i in range(residual_blocks(P)):
        b = G + f'blocks.block{i}.'
        t = F.relu(channel_norm(conv_reflect(r, P, b + 'conv1'), P, b + 'norm1'))
        r = r + channel_norm(conv_reflect(t, P, b + 'conv2'), P, b + 'norm2')
    h = h + r
    for i in range(4):
        u = G + f'upsample.up{i}'
        h = F.conv_transpose2d(h, P[u + '.weight'], P[u + '.bias'], stride=2, padding=1, output_padding=1)
        h = F.relu(channel_norm(h, P, u + '_norm'))
    return conv_reflect(h, P, G + 'toRgb')


def residual_blocks(P):
    """The preset's generator depth, read from the weights (lite 6, paper 9, tiny 1)."""
    return sum(1 for k in P if k.startswith(G + 'blocks.block') and k.endswith('.conv1.weight'))


def forward(P, x01, level, noisy):
    """HificModel.Forward: (reconstruction in [0,1] unclamped, bpp per image [N], gain-scaled y-hat)."""
    y = encoder(P, x01 * 2 - 1) * P[GA + 'logGain'][level].exp().reshape(1, -1, 1, 1)
    z = hyper_analysis(P, y)
    z_hat = z + torch.empty_like(z).uniform_(-0.5, 0.5) if noisy else z.round()
    z_lik = factorized_likelihood(P, z_hat)
    mean = hyper_synthesis(P, HM, z_hat)
    scale = F.softplus(hyper_synthesis(P, HS, z_hat)) + 0.11
    y_rate = y + torch.empty_like(y).uniform_(-0.5, 0.5) if noisy else (y - mean).round() + mean
    y_lik = gaussian_likelihood(y_rate, mean, scale)
    centred = y - mean
    y_hat = centred + (centred.round() - centred).detach() + mean
    x_hat = (generator(P, y_hat * P[GA + 'logInverseGain'][level].exp().reshape(1, -1, 1, 1)) + 1) * 0.5
    bits = -y_lik.log2().sum((1, 2, 3)) - z_lik.log2().sum((1, 2, 3))
    return x_hat, bits / (x01.shape[2] * x01.shape[3]), y_hat


def sn_conv(D, i, x):
    """SpectralNormConv2d in training mode: one power iteration updates u, then weight / sigma."""
    weight, u = D[f'convs.{i}.weight'], D[f'convs.{i}.u']
    w = weight.reshape(weight.shape[0], -1)
    with torch.no_grad():
        v = F.normalize(w.t().mv(u), dim=0)
        u.copy_(F.normalize(w.mv(v), dim=0))
    u_fixed = u.clone()
    v_fixed = F.normalize(w.t().mv(u_fixed), dim=0).detach()
    sigma = u_fixed.dot(w.mv(v_fixed))
    return F.conv2d(x, weight / sigma, D[f'convs.{i}.bias'], stride=2, padding=1)


def discriminator(D, x, latent):
    """Discriminator.forward: patch logits for x in [-1,1] given its own latent."""
    cond = F.leaky_relu(F.conv2d(latent, D['latentProjection.weight'], D['latentProjection.bias'], padding=1), 0.2)
    h = torch.cat([x, F.interpolate(cond, scale_factor=16.0, mode='nearest')], 1)
    for i in range(4):
        h = F.leaky_relu(sn_conv(D, i, h), 0.2)
    return F.conv2d(h, D['toLogits.weight'], D['toLogits.bias'])


MS_WEIGHTS = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]


def ms_ssim(x, y):
    """MsSsim.Compute for 5-scale sizes (crops of 161 px and up): [N]."""
    c = x.shape[1]
    g = torch.tensor([math.exp(-((i - 5) ** 2) / (2 * 1.5 ** 2)) for i in range(11)], dtype=x.dtype, device=x.device)
    g = g / g.sum()
    gh = g.view(1, 1, 11, 1).repeat(c, 1, 1, 1)
    gw = g.view(1, 1, 1, 11).repeat(c, 1, 1, 1)
    blur = lambda t: F.conv2d(F.conv2d(t, gh, groups=c), gw, groups=c)
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    terms = []
    for i in range(5):
        if i > 0:
            x = F.avg_pool2d(x, 2, 2, (x.shape[2] % 2, x.shape[3] % 2), count_include_pad=True)
            y = F.avg_pool2d(y, 2, 2, (y.shape[2] % 2, y.shape[3] % 2), count_include_pad=True)
        mu1, mu2 = blur(x), blur(y)
        s1 = blur(x * x) - mu1 * mu1
        s2 = blur(y * y) - mu2 * mu2
        s12 = blur(x * y) - mu1 * mu2
        cs = (2 * s12 + c2) / (s1 + s2 + c2)
        lum = (2 * mu1 * mu2 + c1) / (mu1 * mu1 + mu2 * mu2 + c1)
        terms.append(F.relu((cs if i < 4 else lum * cs).flatten(2).mean(-1)))
    w = torch.tensor(MS_WEIGHTS, dtype=x.dtype, device=x.device).view(-1, 1, 1)
    return torch.stack(terms).pow(w).prod(0).mean(1)


def load_images(folder, crop, downscale_above, workers):
    from multiprocessing import Pool
    names = sorted(n for n in os.listdir(folder) if os.path.splitext(n)[1].lower() in ('.png', '.jpg', '.jpeg', '.webp', '.bmp', '.tif', '.tiff'))
    with Pool(workers) as pool:
        arrays = pool.starmap(_load_one, [(os.path.join(folder, n), crop, downscale_above) for n in names])
    return [a for a in arrays if a is not None]


def _load_one(path, crop, downscale_above):
    from PIL import Image, ImageOps
    try:
        im = ImageOps.exif_transpose(Image.open(path)).convert('RGB')
    except Exception as e:
        print(f'skipped (not readable: {e}): {path}', flush=True)
        return None
    short = min(im.size)
    if short > downscale_above:
        f = max(0.5, crop / short)
        im = im.resize((int(im.size[0] * f), int(im.size[1] * f)), Image.LANCZOS)
    if min(im.size) < crop:
        return None
    return np.asarray(im).transpose(2, 0, 1).copy()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--weights', required=True, help='TorchSharp state dict (optionally .xz) of the averaged weights; raw weights start from them')
    ap.add_argument('--warmup', type=int, default=500, help='steps of linear learning-rate warm-up: the Adam moments start fresh')
    ap.add_argument('--discriminator', help='TorchSharp state dict of the discriminator (needed with --gan)')
    ap.add_argument('--gan', action='store_true', help='the GAN phase: adds the conditional discriminator (use --lr 1e-4, the paper\'s)')
    ap.add_argument('--beta', type=float, default=1.5, help='as TrainerOptions.Beta')
    ap.add_argument('--data', required=True)
    ap.add_argument('--monitor', help='.npy of [N,3,S,S] uint8 fixed crops, evaluated at each snapshot')
    ap.add_argument('--out', required=True)
    ap.add_argument('--start-step', type=int, required=True)
    ap.add_argument('--train-seconds', type=float, default=400)
    ap.add_argument('--deadline', type=float, default=480, help='seconds after start by which the last snapshot is written')
    ap.add_argument('--snapshot-every', type=float, default=60)
    ap.add_argument('--max-steps', type=int, default=10 ** 9)
    ap.add_argument('--batch', type=int, default=16)
    ap.add_argument('--crop', type=int, default=256)
    ap.add_argument('--lr', type=float, default=2e-4)
    ap.add_argument('--gain-lr-multiplier', type=float, default=10)
    ap.add_argument('--average-decay', type=float, default=0.998)
    ap.add_argument('--targets', default='0.20,0.43,0.64')
    ap.add_argument('--lambda-a', default='6,1.25,0.625')
    ap.add_argument('--lambda-b', default=f'{1.25 / 16},{1.25 / 16},{1.25 / 16}', help='per level, as TrainerOptions.LambdaB')
    ap.add_argument('--km', type=float, default=4 * 0.075 / 32)
    ap.add_argument('--kp', type=float, default=10.0)
    ap.add_argument('--workers', type=int, default=8)
    ap.add_argument('--seed', type=int, default=20201)
    ap.add_argument('--no-raw', action='store_true', help='snapshot only the averaged weights (half the bytes to bring back; import_run.py then starts the raw weights from them)')
    a = ap.parse_args()
    if a.gan and not a.discriminator:
        ap.error('--gan needs --discriminator (prepare.sh writes .gpu/discriminator16.bin)')
    t0 = time.time()
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    torch.backends.cudnn.benchmark = True
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    targets = [float(v) for v in a.targets.split(',')]
    lambda_a = [float(v) for v in a.lambda_a.split(',')]
    lambda_b = [float(v) for v in a.lambda_b.split(',')]
    os.makedirs(a.out, exist_ok=True)
    log = open(os.path.join(a.out, 'gpu-train.log'), 'a')

    def say(msg):
        line = f'{time.time() - t0:7.1f}s {msg}'
        print(line, flush=True)
        log.write(line + '\n'); log.flush()

    say(f'device {torch.cuda.get_device_name(0) if dev.type == "cuda" else "cpu"}, torch {torch.__version__}, args {vars(a)}')
    avg_np = sdio.load(a.weights)
    names = list(avg_np)
    P = {k: torch.tensor(avg_np[k].astype(np.float32), device=dev).requires_grad_() for k in names}
    A = {k: torch.tensor(avg_np[k].astype(np.float32), device=dev) for k in names}
    D = None
    if a.gan:
        d_np = sdio.load(a.discriminator)
        D = {k: torch.tensor(v.astype(np.float32), device=dev) for k, v in d_np.items()}
        for k in D:
            if not k.endswith('.u'):
                D[k].requires_grad_()
        opt_d = torch.optim.Adam([D[k] for k in D if not k.endswith('.u')], lr=a.lr)
    images = [torch.from_numpy(arr).to(dev) for arr in load_images(a.data, a.crop, 512, a.workers)]
    say(f'{len(images)} training images on {dev} ({sum(i.numel() for i in images) / 1e6:.0f} M bytes)')
    monitor = torch.from_numpy(np.load(a.monitor)).to(dev).float() / 255 if a.monitor else None

    gain_params = [P[GA + 'logGain'], P[GA + 'logInverseGain']]
    opt = torch.optim.Adam([P[k] for k in names], lr=a.lr)
    opt_gains = torch.optim.Adam(gain_params, lr=a.lr * (a.gain_lr_multiplier - 1)) if a.gain_lr_multiplier > 1 else None
    rng = random.Random(a.seed * 7919 + a.start_step)
    torch.manual_seed(a.seed * 1_000_003 + a.start_step)

    def batch():
        out = torch.empty(a.batch, 3, a.crop, a.crop, dtype=torch.uint8, device=dev)
        for b in range(a.batch):
            img = images[rng.randrange(len(images))]
            _, h, w = img.shape
            x0, y0 = rng.randrange(w - a.crop + 1), rng.randrange(h - a.crop + 1)
            c = img[:, y0:y0 + a.crop, x0:x0 + a.crop]
            out[b] = c.flip(-1) if rng.random() < 0.5 else c
        return out.float() / 255

    def evaluate(W):
        rows = []
        with torch.no_grad():
            for level in range(3):
                x_hat, bpp, _ = forward(W, monitor, level, noisy=False)
                x_hat = x_hat.clamp(0, 1)
                mse = ((x_hat - monitor) * 255).square().mean().item()
                rows.append((level, bpp.mean().item(), 10 * math.log10(255 ** 2 / mse), ms_ssim(x_hat, monitor).mean().item()))
        return rows

    fmt = lambda rows: '  '.join(f'L{l} {b:.3f} bpp {p:.2f} dB {m:.4f}' for l, b, p, m in rows)
    csv = open(os.path.join(a.out, 'gpu-train.csv'), 'a')
    mon = open(os.path.join(a.out, 'gpu-monitor.csv'), 'a')

    def snapshot(step, reason):
        ts = time.time()
        for kind, W in ((('average', A),) if a.no_raw else (('raw', P), ('average', A))):
            arrays = {k: W[k].detach().to('cpu', torch.float16).numpy() for k in names}
            # Two files per set: the device returns files of at most 16 MiB each.
            half = len(names) // 2
            for part, keys in enumerate((names[:half], names[half:])):
                path = os.path.join(a.out, f'{kind}-{part}.bin')
                sdio.save(path + '.tmp', {k: arrays[k] for k in keys})
                os.replace(path + '.tmp', path)
        state = {'step': step, 'start_step': a.start_step, 'gpu_seconds': round(time.time() - t_train, 1), 'reason': reason,
                 'device': torch.cuda.get_device_name(0) if dev.type == 'cuda' else 'cpu', 'batch': a.batch, 'lr': a.lr, 'beta': a.beta}
        if D is not None:
            sdio.save(os.path.join(a.out, 'discriminator.bin.tmp'), {k: v.detach().cpu().numpy() for k, v in D.items()})
            os.replace(os.path.join(a.out, 'discriminator.bin.tmp'), os.path.join(a.out, 'discriminator.bin'))
        state['phase'] = 'gan' if D is not None else 'rd'
        say('STATE ' + json.dumps(state))
        if monitor is not None:
            rows = evaluate(A)
            for l, b, p, m in rows:
                mon.write(f'{step},{l},{b:.5f},{p:.5f},{m:.5f}\n')
            mon.flush()
            say(f'Eval crops at step {step}: {fmt(rows)} | raw weights: {fmt(evaluate(P))}')
        say(f'snapshot at step {step} ({reason}) in {time.time() - ts:.1f} s')

    if monitor is not None:
        say(f'Eval crops at start: {fmt(evaluate(A))} | raw weights: {fmt(evaluate(P))}')
    step = a.start_step
    t_train = time.time()
    last_snapshot = t_train
    window = {0: [], 1: [], 2: []}
    nan_steps = 0
    pixels = a.crop * a.crop
    while True:
        now = time.time()
        if now - t_train > a.train_seconds or now - t0 > a.deadline - 30 or step - a.start_step >= a.max_steps:
            break
        level = rng.randrange(3)
        lr = a.lr * min(1.0, (step - a.start_step + 1) / a.warmup)
        for g in opt.param_groups:
            g['lr'] = lr
        if D is not None:
            for g in opt_d.param_groups:
                g['lr'] = lr
        if opt_gains is not None:
            for g in opt_gains.param_groups:
                g['lr'] = lr * (a.gain_lr_multiplier - 1)
        x = batch()
        x_hat, bpp, y_hat = forward(P, x, level, noisy=True)
        bpp_mean = bpp.mean()
        mse = ((x_hat - x) * 255).square().mean()
        ms = ms_ssim(x_hat, x).mean()
        # lambda_a while the batch is above its level's target, lambda_b below (HificLoss.Generator).
        above = (bpp_mean.detach() > targets[level]).float()
        lam = above * lambda_a[level] + (1 - above) * lambda_b[level]
        loss = bpp_mean * lam + mse * a.km + (1 - ms) * a.kp
        adv = torch.zeros((), device=dev)
        if D is not None:
            # Non-saturating generator loss, each image paired with its own latent (HificLoss).
            adv = F.softplus(-discriminator(D, x_hat * 2 - 1, y_hat.detach())).mean()
            loss = loss + adv * a.beta
        opt.zero_grad(set_to_none=True)
        if opt_gains is not None:
            opt_gains.zero_grad(set_to_none=False)
        loss.backward()
        if not torch.isfinite(loss):
            nan_steps += 1
            say(f'non-finite loss at step {step}; skipped ({nan_steps})')
            if nan_steps > 20:
                break
            continue
        torch.nn.utils.clip_grad_norm_([P[k] for k in names], 1.0)
        # Both see the same gradients: the gains move gain_lr_multiplier times as fast (TrainerOptions).
        opt.step()
        if opt_gains is not None:
            opt_gains.step()
        with torch.no_grad():
            for k in names:
                A[k].mul_(a.average_decay).add_(P[k].detach(), alpha=1 - a.average_decay)
        loss_d = torch.zeros((), device=dev)
        if D is not None:
            latent = y_hat.detach()
            real = discriminator(D, x * 2 - 1, latent)
            fake = discriminator(D, x_hat.detach() * 2 - 1, latent)
            loss_d = F.softplus(-real).mean() + F.softplus(fake).mean()
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
        step += 1
        window[level].append(torch.stack([bpp_mean.detach(), mse.detach(), ms.detach(), lam, adv.detach(), loss_d.detach()]))
        if step % 50 == 0:
            elapsed = time.time() - t_train
            parts = []
            for l in range(3):
                if not window[l]:
                    continue
                v = torch.stack(window[l]).mean(0).tolist()
                psnr = 10 * math.log10(255 ** 2 / max(v[1], 1e-9))
                phase = 'gan' if D is not None else 'rd'
                csv.write(f'{step},{phase},{l},{v[0]:.5f},{psnr:.5f},{v[2]:.5f},{v[1]:.5f},{v[3]:.5f},{v[4]:.5f},{v[5]:.5f},{elapsed / (step - a.start_step):.5f},0\n')
                parts.append(f'L{l} bpp {v[0]:.3f} PSNR {psnr:.2f} MS {v[2]:.4f}' + (f' adv {v[4]:.3f} D {v[5]:.3f}' if D is not None else ''))
            csv.flush()
            window = {0: [], 1: [], 2: []}
            if step % 500 == 0:
                say(f'step {step}: {"  ".join(parts)} | {1000 * elapsed / (step - a.start_step):.1f} ms/step')
        if time.time() - last_snapshot > a.snapshot_every:
            snapshot(step, 'periodic')
            last_snapshot = time.time()
    snapshot(step, 'final')
    say(f'done: {step - a.start_step} steps in {time.time() - t_train:.0f} s')


if __name__ == '__main__':
    main()
