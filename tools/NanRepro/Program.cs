using System.Diagnostics;
using System.Security.Cryptography;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Metrics;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;
using HiFiC.NanRepro;
using HiFiC.Training;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

// A probe for the NaN faults that made TorchRuntime.PrepareNative cap oneDNN, and the proof that the
// channels-last networks (Model/ChannelsLast.cs) no longer meet them (docs/codec.md).
// One process per ISA level: oneDNN reads DNNL_MAX_CPU_ISA when it first dispatches, so run.sh sets it
// in the environment before start. Modes:
//   selftest                        TorchSharp memory semantics the project relies on (copies, views)
//   plain  --pass fwd|bwd           lite-shaped layers from plain TorchSharp, every conv output checked
//   codec  --model DIR|tiny         real encode (optionally refined) + decode loops, NumericFault counted
//   train  --preset tiny|lite       the real Trainer, its skipped non-finite steps counted
//   poison --op down0-fwd|torgb-bwd one conv, with freed memory filled with NaN first (or --ic --oc ...)
//   bf16   --pass fwd|bwd           float32 against bfloat16 timing of the lite shapes
//   shapes --preset lite|tiny|paper  every conv shape of a preset (discriminator and MS-SSIM included),
//          --layout nchw|cl          forward and backward, freed memory poisoned with NaN before each call
//   model  --preset lite|tiny        the project's HificModel + Discriminator, a training step and a
//                                    refinement-style backward (gradient to y-hat), poisoned likewise
// Every mode prints one RESULT line: the ISA actually used, iterations, faults.
var a = Args.Parse(args);
int threads = a.Int("threads", 2);
torch.set_num_threads(threads);
string isa = Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA") ?? "unset";
var deadline = Stopwatch.StartNew();
double seconds = a.Double("seconds", 60);
bool TimeLeft() => deadline.Elapsed.TotalSeconds < seconds;
int maxIterations = a.Int("iterations", int.MaxValue);

switch (a.Mode)
{
    case "selftest": SelfTest(); break;
    case "plain": Plain(); break;
    case "codec": Codec(); break;
    case "train": Train(); break;
    case "bf16": Bf16(); break;
    case "poison": Poison(); break;
    case "shapes": Shapes(); break;
    case "model": ModelSteps(); break;
    case "layers": LayerTimes(); break;
    case "compare": Compare(); break;
    default: Console.Error.WriteLine("usage: NanRepro selftest|plain|codec|train [--key value]..."); return 2;
}
return 0;

void Result(string mode, string detail, long iterations, long faults) =>
    Console.WriteLine($"RESULT mode={mode} {detail} isa={isa} threads={threads} iterations={iterations} faults={faults} seconds={deadline.Elapsed.TotalSeconds:F0}");

static bool Finite(Tensor t) => t.isfinite().all().item<bool>();

// ---- selftest: does the project's way of handing memory to LibTorch hold? -------------------------
void SelfTest()
{
    int failures = 0;
    void Check(bool ok, string what) { Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}"); if (!ok) failures++; }

    // torch.tensor(float[]) must copy: TrainingData reuses its scratch array for the next batch.
    var array = new float[] { 1, 2, 3, 4 };
    using (var t = torch.tensor(array, [2, 2]))
    {
        array[0] = float.NaN;
        GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
        Check(t[0, 0].item<float>() == 1 && Finite(t), "torch.tensor(float[]) copies (later writes to the array do not reach the tensor)");
    }
    // .bytes of a narrowed per-channel view must start at the view's offset (TensorImage.ToTensor writes through it).
    using (var t = zeros(1, 3, 4, 5))
    using (var g = t[0, 1])
    using (var band = g.narrow(0, 2, 2))
    {
        var span = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(band.bytes);
        Check(span.Length == 10, ".bytes of a narrowed view covers the view only");
        span.Fill(7);
        Check(t.sum().item<float>() == 70 && t[0, 1, 2, 0].item<float>() == 7 && t[0, 1, 1, 4].item<float>() == 0 && t[0, 1, 3, 4].item<float>() == 7,
            ".bytes of a narrowed view starts at the view's offset");
    }
    // TensorImage.ToTensor fills its torch.empty result entirely, several bands and edge replication included.
    var rng = new Random(1);
    foreach (var (w, h, region) in new[] { (40, 30, new PixelRect(-8, -8, 64, 64)), (4100, 300, new PixelRect(-20, -30, 4160, 384)) })
    {
        var img = new RgbImage(w, h);
        rng.NextBytes(img.Pixels);
        for (int rep = 0; rep < 3; rep++)
        {
            using var garbage = full(new long[] { 1, 3, region.Height, region.Width }, float.NaN); // poison the allocator's free blocks
            garbage.Dispose();
            using var t = TensorImage.ToTensor(img, region);
            var data = t.data<float>().ToArray();
            bool ok = true;
            for (int c = 0; c < 3 && ok; c++)
                for (int y = 0; y < region.Height && ok; y++)
                    for (int x = 0; x < region.Width; x++)
                    {
                        int sx = Math.Clamp(region.X + x, 0, w - 1), sy = Math.Clamp(region.Y + y, 0, h - 1);
                        float expect = img.Pixels[(sy * w + sx) * 3 + c] / 255f;
                        if (data[((long)c * region.Height + y) * region.Width + x] != expect) { ok = false; break; }
                    }
            Check(ok, $"TensorImage.ToTensor writes every element ({w}x{h} image, region {region}, try {rep})");
        }
    }
    // empty_like(...).uniform_ (the hyperprior's training noise) overwrites every element.
    using (var poison = full(1000, 1000, float.NaN)) { }
    using (var e = empty(1000, 1000).uniform_(-0.5, 0.5))
        Check(Finite(e), "empty(...).uniform_ leaves no element unwritten");
    Result("selftest", "", 1, failures);
}

// ---- plain: lite-shaped layers, plain TorchSharp ---------------------------------------------------
void Plain()
{
    string pass = a.String("pass", "fwd");
    int crop = a.Int("crop", 256), batch = a.Int("batch", pass == "fwd" ? 1 : 2);
    torch.random.manual_seed(a.Int("seed", 1));
    using var net = new PlainNetworks();
    var opt = optim.Adam(net.parameters(), 1e-4);
    long iterations = 0, forwardFaults = 0, backwardFaults = 0, recurred = 0, convChecks = 0, mismatches = 0;
    var faultLayers = new Dictionary<string, int>();
    // The weights as created: a forward pass must never change them, so any difference is a stray write.
    var reference = net.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
    int reported = 0;
    void CompareWeights(string when)
    {
        using var noGrad = no_grad();
        foreach (var (name, param) in net.named_parameters())
        {
            using var flat = param.detach().flatten();
            using var refFlat = reference[name].flatten();
            using var differs = flat.ne(refFlat).logical_or(flat.isnan());
            long count = differs.sum().item<long>();
            if (count == 0) continue;
            using var where = differs.nonzero().flatten();
            long first = where[0].item<long>(), last = where[-1].item<long>();
            long nonFinite = flat.isfinite().logical_not().sum().item<long>();
            Console.WriteLine($"  WEIGHTS CHANGED {when}: {name} numel={flat.numel()} changed={count} nonfinite={nonFinite} firstIndex={first} lastIndex={last} " +
                              $"sample={flat[first].item<float>()} (was {refFlat[first].item<float>()})");
        }
    }

    bool CheckConv(PlainNetworks.Layer l, Tensor input, Tensor conv)
    {
        convChecks++;
        if (Finite(conv)) return true;
        bool inputFinite = Finite(input);
        using var again = no_grad();
        using var rerun = l.Module.forward(input.detach());
        bool rerunFinite = Finite(rerun);
        long bad = conv.isfinite().logical_not().sum().item<long>();
        forwardFaults++;
        if (!rerunFinite) recurred++;
        faultLayers[l.Name] = faultLayers.GetValueOrDefault(l.Name) + 1;
        Console.WriteLine($"FAULT forward iteration={iterations} layer={l.Name} in={string.Join('x', input.shape)} out={string.Join('x', conv.shape)} " +
                          $"nonfinite={bad}/{conv.numel()} inputFinite={inputFinite} rerunFinite={rerunFinite}");
        if (pass == "fwd" && reported++ < 3) CompareWeights($"at iteration {iterations}");
        return false;
    }

    Tensor Forward(Tensor x, bool noisy, out Tensor y, out bool ok)
    {
        ok = true;
        bool good = true;
        Func<PlainNetworks.Layer, Tensor, Tensor, bool> check = (l, i, c) => good = good && CheckConv(l, i, c);
        y = net.Run(net.Encoder, x, check);
        if (!good) { ok = false; return y; }
        var z = net.Run(net.Hyper, y, check);
        if (!good) { ok = false; return z; }
        var yHat = noisy ? y + (rand_like(y) - 0.5) : y.round();
        var xHat = net.Run(net.Generator, net.InputNorm(yHat), check);
        ok = good;
        return xHat + 0 * z.mean(); // z joins the graph so that hyper-analysis gets gradients too
    }

    while (TimeLeft() && iterations < maxIterations)
    {
        using var scope = NewDisposeScope();
        var x = rand(batch, 3, crop, crop) * 2 - 1;
        if (pass == "fwd")
        {
            using var noGrad = no_grad();
            var xHat = Forward(x, false, out _, out bool ok);
            // Same input again every 4th iteration: a deterministic kernel gives the same bits.
            if (ok && iterations % 4 == 0)
            {
                var second = Forward(x, false, out _, out bool ok2);
                if (ok2 && !xHat.eq(second).all().item<bool>())
                {
                    mismatches++;
                    Console.WriteLine($"MISMATCH iteration={iterations}: same input, different output (max |d| {(xHat - second).abs().max().item<float>()})");
                }
            }
        }
        else
        {
            opt.zero_grad();
            var xHat = Forward(x, true, out var y, out bool ok);
            if (ok)
            {
                var loss = (xHat - x).square().mean() + y.abs().mean() * 0.01;
                loss.backward();
                var bad = net.named_parameters().Where(p => p.parameter.grad is { } g && !Finite(g)).Select(p => p.name).ToList();
                if (bad.Count > 0)
                {
                    backwardFaults++;
                    // The same forward and backward again: a fault of the data recurs, a kernel's fluke does not.
                    opt.zero_grad();
                    var xHat2 = Forward(x, true, out var y2, out bool ok2);
                    bool again = false;
                    if (ok2)
                    {
                        ((xHat2 - x).square().mean() + y2.abs().mean() * 0.01).backward();
                        again = net.parameters().Any(p => p.grad is { } g && !Finite(g));
                    }
                    if (again) recurred++;
                    foreach (var n in bad) faultLayers["grad:" + n] = faultLayers.GetValueOrDefault("grad:" + n) + 1;
                    Console.WriteLine($"FAULT backward iteration={iterations} lossFinite={double.IsFinite(loss.item<float>())} nonfiniteGrads={bad.Count} " +
                                      $"last={bad[^1]} first={bad[0]} recurredOnRerun={again}");
                    opt.zero_grad();
                }
                else opt.step();
            }
        }
        iterations++;
        if (iterations % 25 == 0) Console.WriteLine($"progress iterations={iterations} convChecks={convChecks} fwdFaults={forwardFaults} bwdFaults={backwardFaults} t={deadline.Elapsed.TotalSeconds:F0}s");
    }
    if (pass == "fwd") CompareWeights("at the end");
    foreach (var (k, v) in faultLayers.OrderByDescending(kv => kv.Value).Take(20)) Console.WriteLine($"  {k}: {v}");
    Result("plain", $"pass={pass} crop={crop} batch={batch} convChecks={convChecks} forwardFaults={forwardFaults} backwardFaults={backwardFaults} recurred={recurred} mismatches={mismatches}",
        iterations, forwardFaults + backwardFaults + mismatches);
}

// ---- poison: do the two faulting convolutions read memory nobody wrote? ------------------------------
// Before each call, blocks of many sizes are filled with NaN and freed, so that the allocator hands
// them out again. A kernel that reads only what it or LibTorch wrote stays finite; one that reads an
// unwritten part (the padding of a blocked layout: 24 input channels in blocks of 16, 3 output
// channels in blocks of 8 or 16) returns NaN. Lite shapes: the encoder's first stride-2 conv
// (24 -> 48) forward, and the generator's last conv (16 -> 3, 7x7) backward to its input.
void Poison()
{
    string op = a.String("op", "down0-fwd");
    bool poison = a.String("poison", "yes") == "yes";
    bool channelsLast = a.String("layout", "nchw") == "cl";
    int n = a.Int("iterations", 40);
    torch.random.manual_seed(1);
    // Any conv: --ic --oc --kernel --stride --side --batch; --op fwd|bwd (bwd: the gradient to the input).
    // Presets: down0-fwd (lite encoder's 24 -> 48) and torgb-bwd (lite generator's 16 -> 3, 7x7).
    var (ic, oc, kernel, stride, dir) = op switch
    {
        "down0-fwd" => (24, 48, 3, 2, "fwd"),
        "torgb-bwd" => (16, 3, 7, 1, "bwd"),
        _ => (a.Int("ic", 24), a.Int("oc", 48), a.Int("kernel", 3), a.Int("stride", 1), op),
    };
    int side = a.Int("side", 256), batchSize = a.Int("batch", dir == "fwd" ? 1 : 2);
    using var conv = nn.Conv2d(ic, oc, kernel, stride: stride, padding: kernel / 2);
    long faults = 0, done = 0;
    for (int i = 0; i < n && TimeLeft(); i++)
    {
        using var scope = NewDisposeScope();
        if (poison) PoisonFreeMemory();
        bool finite;
        if (dir == "fwd")
        {
            using var noGrad = no_grad();
            var x = rand(batchSize, ic, side, side);
            finite = Finite(conv.forward(channelsLast ? ChannelsLast.Of(x) : x));
        }
        else
        {
            var x = rand(batchSize, ic, side, side).requires_grad_(true);
            conv.forward(channelsLast ? ChannelsLast.Of(x) : x).square().mean().backward();
            finite = Finite(x.grad!);
        }
        done++;
        if (!finite) faults++;
    }
    Result("poison", $"op={op} conv={ic}->{oc} k{kernel} s{stride} {dir} poison={(poison ? "yes" : "no")} layout={(channelsLast ? "cl" : "nchw")}", done, faults);
}

// Fills blocks of many sizes with NaN and frees them, so that the allocator hands them out again:
// a kernel that reads memory nobody wrote then returns NaN instead of faulting at random.
static void PoisonFreeMemory()
{
    for (long bytes = 4096; bytes <= 16L << 20; bytes = bytes * 3 / 2)
        for (int k = 0; k < 2; k++) full(bytes / 4, float.NaN).Dispose();
}

// ---- shapes: every convolution shape of a preset, forward and backward, poisoned ---------------------
void Shapes()
{
    var p = HificPreset.ByName(a.String("preset", "lite"));
    bool channelsLast = a.String("layout", "cl") == "cl";
    int n = a.Int("iterations", 3), maxSide = a.Int("side", 64);
    double macBudget = a.Double("macs", 1.5e8);
    torch.random.manual_seed(1);
    var shapes = new List<(string Name, int Ic, int Oc, int K, int Stride, bool Transposed, int Groups)>();
    shapes.Add(("enc.stem", 3, p.StemChannels, 7, 1, false, 1));
    int c = p.StemChannels;
    for (int i = 0; i < p.EncoderChannels.Length; i++) { shapes.Add(($"enc.down{i}", c, p.EncoderChannels[i], 3, 2, false, 1)); c = p.EncoderChannels[i]; }
    shapes.Add(("enc.to_latent", c, p.LatentChannels, 3, 1, false, 1));
    shapes.Add(("ha.conv0", p.LatentChannels, p.HyperWidth, 3, 1, false, 1));
    shapes.Add(("ha.conv1", p.HyperWidth, p.HyperWidth, 5, 2, false, 1));
    shapes.Add(("ha.conv2", p.HyperWidth, p.HyperLatentChannels, 5, 2, false, 1));
    shapes.Add(("hs.up0", p.HyperLatentChannels, p.HyperWidth, 5, 2, true, 1));
    shapes.Add(("hs.up1", p.HyperWidth, p.HyperWidth, 5, 2, true, 1));
    shapes.Add(("hs.conv2", p.HyperWidth, p.LatentChannels, 3, 1, false, 1));
    shapes.Add(("gen.head", p.LatentChannels, p.GeneratorChannels, 3, 1, false, 1));
    shapes.Add(("gen.block", p.GeneratorChannels, p.GeneratorChannels, 3, 1, false, 1));
    c = p.GeneratorChannels;
    for (int i = 0; i < p.UpsampleChannels.Length; i++) { shapes.Add(($"gen.up{i}", c, p.UpsampleChannels[i], 3, 2, true, 1)); c = p.UpsampleChannels[i]; }
    shapes.Add(("gen.to_rgb", c, 3, 7, 1, false, 1));
    shapes.Add(("disc.latent", p.LatentChannels, Discriminator.ConditionChannels, 3, 1, false, 1));
    c = 3 + Discriminator.ConditionChannels;
    for (int i = 0; i < p.DiscriminatorChannels.Length; i++) { shapes.Add(($"disc.conv{i}", c, p.DiscriminatorChannels[i], 4, 2, false, 1)); c = p.DiscriminatorChannels[i]; }
    shapes.Add(("disc.logits", c, 1, 1, 1, false, 1));
    shapes.Add(("msssim.blur", 3, 3, 11, 1, false, 3));

    long calls = 0, faults = 0;
    var faulting = new SortedSet<string>();
    foreach (var s in shapes)
    {
        // Small sides for wide layers: a padded block is read at any size, and the paper's layers are slow.
        int side = (int)Math.Clamp(Math.Sqrt(macBudget / ((double)s.Ic * s.Oc / s.Groups * s.K * s.K)), 8, maxSide) & ~1;
        using var conv = s.Transposed
            ? (nn.Module<Tensor, Tensor>)nn.ConvTranspose2d(s.Ic, s.Oc, s.K, stride: s.Stride, padding: s.K / 2, output_padding: s.Stride - 1)
            : nn.Conv2d(s.Ic, s.Oc, s.K, stride: s.Stride, padding: s.K / 2, groups: s.Groups);
        foreach (var dir in new[] { "fwd", "bwd" })
            for (int i = 0; i < n; i++)
            {
                using var scope = NewDisposeScope();
                PoisonFreeMemory();
                var x = rand(2, s.Ic, side, side);
                bool finite;
                if (dir == "fwd")
                {
                    using var noGrad = no_grad();
                    finite = Finite(conv.forward(channelsLast ? ChannelsLast.Of(x) : x));
                }
                else
                {
                    conv.zero_grad();
                    x.requires_grad_(true);
                    var y = conv.forward(channelsLast ? ChannelsLast.Of(x) : x);
                    (y * rand_like(y)).sum().backward(); // a gradient in every output channel
                    finite = Finite(y) && Finite(x.grad!) && conv.parameters().All(q => Finite(q.grad!));
                }
                calls++;
                if (!finite) { faults++; faulting.Add($"{s.Name}:{dir}"); }
            }
        Console.WriteLine($"shape {s.Name} {s.Ic}->{s.Oc} k{s.K} s{s.Stride}{(s.Transposed ? " T" : "")}{(s.Groups > 1 ? $" g{s.Groups}" : "")} side={side} faulting so far: {faulting.Count}");
    }
    Result("shapes", $"preset={p.Name} layout={(channelsLast ? "cl" : "nchw")} faulting=[{string.Join(' ', faulting)}]", calls, faults);
}

// ---- layers: what the full-resolution end of the lite generator costs, NCHW against channels-last ----
void LayerTimes()
{
    int side = a.Int("side", 640), rounds = a.Int("rounds", 5), ch = a.Int("channels", 16);
    torch.random.manual_seed(1);
    using var noGrad = no_grad();
    using var toRgb = nn.Conv2d(ch, 3, 7, padding: 3, padding_mode: PaddingModes.Reflect);
    using var up = nn.ConvTranspose2d(ch * 2, ch, 3, stride: 2, padding: 1, output_padding: 1);
    using var norm = new ChannelNorm2d(ch);
    var gamma = ones(1, ch, 1, 1); var beta = zeros(1, ch, 1, 1);
    var x = rand(1, ch, side, side);
    var xl = ChannelsLast.Of(x);
    var half = rand(1, ch * 2, side / 2, side / 2);
    var halfCl = ChannelsLast.Of(half);
    // The same convolution computing more output channels, the extra ones with zero weights, then dropped.
    Tensor PaddedOutputs(int outputs)
    {
        var w = cat([toRgb.weight!, zeros(outputs - 3, ch, 7, 7)], 0);
        var b = cat([toRgb.bias!, zeros(outputs - 3)], 0);
        var padded = nn.functional.pad(xl, [3, 3, 3, 3], PaddingModes.Reflect);
        return nn.functional.conv2d(padded, w, b).narrow(1, 0, 3).contiguous();
    }
    var cases = new (string Name, Func<Tensor> Run)[]
    {
        ("to_rgb nchw", () => toRgb.forward(x)),
        ("to_rgb channels-last", () => toRgb.forward(xl)),
        ("to_rgb channels-last, 16 outputs (13 zero)", () => PaddedOutputs(16)),
        ("to_rgb channels-last, 8 outputs (5 zero)", () => PaddedOutputs(8)),
        ("up nchw", () => up.forward(half)),
        ("up channels-last", () => up.forward(halfCl)),
        ("channelnorm 9-pass nchw", () => PlainNetworks.ChannelNorm(x, gamma, beta)),
        ("channelnorm layer_norm channels-last", () => norm.forward(xl)),
        ("relu nchw", () => nn.functional.relu(x)),
    };
    foreach (var (name, run) in cases)
    {
        double best = double.MaxValue;
        for (int r = 0; r < rounds; r++)
        {
            using var scope = NewDisposeScope();
            var sw = Stopwatch.StartNew();
            run();
            best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
        }
        Console.WriteLine($"{name,-40} {best,8:F1} ms (best of {rounds}, {side}x{side}, {ch} channels)");
    }
    Result("layers", $"side={side}", rounds, 0);
}

// ---- compare: how far apart two decodes of the same file are (old against new decoder) -------------
void Compare()
{
    var x = ImageIO.Load(a.String("a", "")).Rgb;
    var y = ImageIO.Load(a.String("b", "")).Rgb;
    if (x.Width != y.Width || x.Height != y.Height) throw new ArgumentException("sizes differ");
    long differing = 0, over1 = 0; int max = 0;
    for (int i = 0; i < x.Pixels.Length; i++)
    {
        int d = Math.Abs(x.Pixels[i] - y.Pixels[i]);
        if (d > 0) differing++;
        if (d > 1) over1++;
        max = Math.Max(max, d);
    }
    Console.WriteLine($"values={x.Pixels.Length} differing={differing} ({100.0 * differing / x.Pixels.Length:F3}%) differingByMoreThan1={over1} maxAbs={max} psnr={Psnr.Compute(x, y):F2} dB");
    Result("compare", $"maxAbs={max}", 1, 0);
}

// ---- model: the project's networks as training and refinement run them, poisoned -------------------
void ModelSteps()
{
    var p = HificPreset.ByName(a.String("preset", "lite"));
    int crop = a.Int("crop", 128), batch = a.Int("batch", 2);
    using var model = HificModel.CreateSeeded(p, 3);
    using var disc = new Discriminator(p);
    model.train();
    long steps = 0, faults = 0;
    var where = new SortedSet<string>();
    while (TimeLeft() && steps < maxIterations)
    {
        using var scope = NewDisposeScope();
        PoisonFreeMemory();
        var x = rand(batch, 3, crop, crop);
        model.zero_grad(); disc.zero_grad();
        // Training: every network forward and backward, the discriminator's gradient to the image included.
        using var f = model.Forward(x, 1.0);
        var logits = disc.forward(HificModel.ToModelRange(f.Reconstruction), f.LatentHat);
        var loss = (f.Reconstruction - x).square().mean() + f.Bpp(crop * crop).mean() * 0.01 - logits.mean() * 0.1
                   + (1 - MsSsim.Compute(f.Reconstruction.clamp(0, 1), x)).mean();
        bool ok = Finite(loss);
        if (!ok) where.Add("train-forward");
        else
        {
            loss.backward();
            var bad = model.named_parameters().Concat(disc.named_parameters()).Where(q => q.parameter.grad is { } g && !Finite(g)).Select(q => q.name).ToList();
            if (bad.Count > 0) { ok = false; where.Add("train-backward:" + bad[^1]); }
        }
        // Refinement: the gradient to y-hat through the generator (LatentRefiner's backward).
        PoisonFreeMemory();
        var yHat = f.LatentHat.detach().clone().requires_grad_(true);
        var xHat = model.Synthesize(yHat, 1.0);
        (xHat - x).square().mean().backward();
        if (!Finite(xHat) || !Finite(yHat.grad!)) { ok = false; where.Add("refine"); }
        steps++;
        if (!ok) faults++;
        if (steps % 5 == 0) Console.WriteLine($"progress steps={steps} faults={faults} t={deadline.Elapsed.TotalSeconds:F0}s");
    }
    Result("model", $"preset={p.Name} crop={crop} batch={batch} where=[{string.Join(' ', where)}]", steps, faults);
}

// ---- bf16: is a bfloat16 forward + backward of the lite shapes faster, and how far off? ---------------
// TorchSharp 0.107 has no autocast, so this casts the whole network and its input (an upper bound on
// what autocast could gain: autocast would also pay for casts and keep float32 master weights).
void Bf16()
{
    int crop = a.Int("crop", 256), batch = a.Int("batch", 2), rounds = a.Int("rounds", 5);
    bool backward = a.String("pass", "bwd") == "bwd";
    torch.random.manual_seed(1);
    using var net32 = new PlainNetworks();
    using var net16 = new PlainNetworks();
    net16.load_state_dict(net32.state_dict());
    net16.to(ScalarType.BFloat16);
    Func<PlainNetworks.Layer, Tensor, Tensor, bool> any = (_, _, _) => true;
    Tensor Step(PlainNetworks n, Tensor x)
    {
        n.zero_grad();
        var y = n.Run(n.Encoder, x, any);
        var xHat = n.Run(n.Generator, n.InputNorm(y.round()), any);
        if (backward) (xHat.to(ScalarType.Float32) - x.to(ScalarType.Float32)).square().mean().backward();
        return xHat.to(ScalarType.Float32);
    }
    double t32 = 0, t16 = 0, relErr = 0;
    for (int r = 0; r < rounds + 1; r++) // round 0 warms both up (oneDNN builds its kernels)
    {
        using var scope = NewDisposeScope();
        using var grad = backward ? enable_grad() : no_grad();
        var x = rand(batch, 3, crop, crop) * 2 - 1;
        var sw = Stopwatch.StartNew();
        var o32 = Step(net32, x);
        double a32 = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        var o16 = Step(net16, x.to(ScalarType.BFloat16));
        double a16 = sw.Elapsed.TotalMilliseconds;
        double err = ((o16 - o32).square().mean().sqrt() / o32.square().mean().sqrt()).item<float>();
        Console.WriteLine($"round {r}: float32 {a32:F0} ms, bfloat16 {a16:F0} ms, relative RMS difference {err:E2}");
        if (r > 0) { t32 += a32; t16 += a16; relErr = Math.Max(relErr, err); }
    }
    Result("bf16", $"pass={(backward ? "bwd" : "fwd")} crop={crop} batch={batch} float32Ms={t32 / rounds:F0} bfloat16Ms={t16 / rounds:F0} speedup={t32 / t16:F2} maxRelRms={relErr:E2}", rounds, 0);
}

// ---- codec: the project's own encode / refine / decode ---------------------------------------------
void Codec()
{
    string modelArg = a.String("model", "tiny");
    int refine = a.Int("refine", 0), tile = a.Int("tile", 256);
    var model = modelArg == "tiny"
        ? CodecModel.FromNetwork(HificModel.CreateSeeded(HificPreset.Tiny, 7), "tiny")
        : CodecModel.Load(modelArg);
    Console.WriteLine($"capped by PrepareNative: {TorchRuntime.CappedIsa ?? "no"}");
    var image = ImageIO.Load(a.String("image", "../shared/datasets/eval/B01_flower.png"));
    if (a.Values.TryGetValue("size", out var size))
    {
        var wh = size.Split('x').Select(int.Parse).ToArray();
        image = new LoadedImage(image.Rgb.Crop(new PixelRect(0, 0, Math.Min(wh[0], image.Rgb.Width), Math.Min(wh[1], image.Rgb.Height))), image.Source, null);
    }
    var encoder = new HificEncoder(model);
    var decoder = new HificDecoder(model);
    long iterations = 0, faults = 0;
    var fileHashes = new HashSet<string>();
    var pixelHashes = new HashSet<string>();
    while (TimeLeft() && iterations < maxIterations)
    {
        torch.random.manual_seed(1); // refinement's noise: the same every iteration, so outputs must match
        try
        {
            using var ms = new MemoryStream();
            encoder.Compress(image, ms, new CompressOptions { RefineSteps = refine, TileSize = tile });
            fileHashes.Add(Convert.ToHexString(SHA256.HashData(ms.ToArray()))[..16]);
            ms.Position = 0;
            var decoded = decoder.Decompress(ms);
            pixelHashes.Add(Convert.ToHexString(SHA256.HashData(decoded.Image.Pixels))[..16]);
        }
        catch (NumericFaultException e)
        {
            faults++;
            Console.WriteLine($"FAULT iteration={iterations}: {e.Message}");
        }
        iterations++;
        if (iterations % 10 == 0) Console.WriteLine($"progress iterations={iterations} faults={faults} distinctFiles={fileHashes.Count} distinctDecodes={pixelHashes.Count} t={deadline.Elapsed.TotalSeconds:F0}s");
    }
    Result("codec", $"model={modelArg} refine={refine} tile={tile} image={image.Rgb.Width}x{image.Rgb.Height} distinctFiles={fileHashes.Count} distinctDecodes={pixelHashes.Count}",
        iterations, faults);
}

// ---- train: the project's Trainer -----------------------------------------------------------------
void Train()
{
    string preset = a.String("preset", "tiny");
    var outDir = Path.Combine(Path.GetTempPath(), $"nanrepro-train-{Environment.ProcessId}");
    var counter = new CountingLogger();
    var options = new TrainerOptions
    {
        DataDir = a.String("data", "../shared/datasets/eval"),
        MonitorDir = null,
        OutDir = outDir,
        Preset = preset,
        Steps = a.Int("steps", 50),
        BatchSize = a.Int("batch", 2),
        CropSize = a.Int("crop", 128),
        GanStartStep = a.Int("gan-start", 0),
        CheckpointEvery = 1_000_000,
        LogEvery = 10,
        WarmupSteps = 10,
        Threads = threads,
    };
    try { new Trainer(options, counter).Run(CancellationToken.None); }
    catch (InvalidOperationException e) when (e.Message.Contains("non-finite", StringComparison.Ordinal)) { Console.WriteLine($"ABORT {e.Message}"); }
    finally { try { Directory.Delete(outDir, true); } catch (IOException) { } }
    Console.WriteLine($"capped by PrepareNative: {TorchRuntime.CappedIsa ?? "no"}");
    Result("train", $"preset={preset} batch={options.BatchSize} crop={options.CropSize} ganStart={options.GanStartStep}", options.Steps, counter.NonFinite);
}

internal sealed class CountingLogger : ILogger
{
    public int NonFinite;
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var text = formatter(state, exception);
        if (text.Contains("non-finite", StringComparison.Ordinal)) { Interlocked.Increment(ref NonFinite); Console.WriteLine($"FAULT {text}"); }
        else if (logLevel >= LogLevel.Warning) Console.WriteLine($"{logLevel}: {text}");
    }
}

internal sealed record Args(string Mode, Dictionary<string, string> Values)
{
    public static Args Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (int i = 1; i + 1 < args.Length; i += 2) values[args[i].TrimStart('-')] = args[i + 1];
        return new Args(args.Length > 0 ? args[0] : "", values);
    }
    public string String(string key, string fallback) => Values.GetValueOrDefault(key, fallback);
    public int Int(string key, int fallback) => Values.TryGetValue(key, out var v) ? int.Parse(v) : fallback;
    public double Double(string key, double fallback) => Values.TryGetValue(key, out var v) ? double.Parse(v) : fallback;
}
