namespace HiFiC.Training;

/// <summary>
/// The training recipe. Defaults follow HiFiC (Mentzer et al. 2020) where this machine allows;
/// d_P is 1 - MS-SSIM because LPIPS weights cannot be obtained here.
/// </summary>
public sealed record TrainerOptions
{
    public string DataDir { get; init; } = "../shared/datasets/train";
    /// <summary>Fixed crops of these images are evaluated at every checkpoint (monitoring only, never used for gradients).</summary>
    public string? MonitorDir { get; init; } = "../shared/datasets/eval";
    public string OutDir { get; init; } = "runs/lite";
    /// <summary>
    /// A shipped model folder to start from when OutDir has no checkpoint: checkpoints (with
    /// optimizer state) are too large for git, so a new machine continues from the committed
    /// weights, their discriminator and their logs, with fresh optimizer moments.
    /// </summary>
    public string? InitFrom { get; init; }
    public string Preset { get; init; } = "lite";
    public long Steps { get; init; } = 1_000_000;
    public int BatchSize { get; init; } = 4;
    public int CropSize { get; init; } = 256;
    /// <summary>Learning rate of the GAN phase (the paper's 1e-4).</summary>
    public double LearningRate { get; init; } = 1e-4;
    /// <summary>
    /// Learning rate of the rate-distortion phase: that phase only warm-starts the GAN phase, and on
    /// CPUs it gets a few thousand steps, so it runs faster (ChannelNorm keeps it stable).
    /// </summary>
    public double RdLearningRate { get; init; } = 5e-4;
    /// <summary>Learning rate is divided by 10 from this step on (the paper decays once late in training).</summary>
    public long LearningRateDecayStep { get; init; } = 500_000;
    /// <summary>Steps of rate-distortion training before the discriminator joins (the paper's two phases).</summary>
    public long GanStartStep { get; init; } = 20_000;
    /// <summary>Target bpp per rate level (lo, mi, hi) on the training crops.</summary>
    /// <remarks>
    /// The product's rate points are lo 0.14, mi 0.30 and hi 0.45 bpp on the eval photos. Training crops,
    /// cut from sources downscaled 2x, are denser in detail: over steps 7,000-7,640 of the lite run the
    /// batches coded at 0.264/0.326/0.452 bpp while the step-7,000 export measured 0.173/0.228/0.327 on
    /// the eval set, a ratio of about 0.7. With the eval targets used directly (up to step 7,640), mi and
    /// hi settled at their targets on crops and so 30% under them on photos. Hence the eval targets / 0.7.
    /// </remarks>
    public double[] RateTargets { get; init; } = [0.20, 0.43, 0.64];
    /// <summary>lambda_a per level: the rate weight while a batch is above its target.</summary>
    /// <remarks>
    /// mi and hi: 1.25x the paper's 1 and 0.5, because raising k_P to 10 made the distortion terms weigh
    /// about 1.27x more at the lite run's operating point. lo: at lambda_a = 2 its batches stayed at
    /// 0.26 bpp, far above target (the rate falls about 0.07 bpp per doubling of lambda here), so 6.
    /// </remarks>
    public double[] LambdaA { get; init; } = [6, 1.25, 0.625];
    /// <summary>lambda_b per level: the rate weight once below target (lambda_a much greater than lambda_b).</summary>
    /// <remarks>
    /// 1.25/16 for every level. hi sits at 0.55 bpp on crops, under its 0.64 target, so its rate is
    /// set by lambda_b against the distortion. For about 700 CPU steps after 39,633 hi's lambda_b was
    /// halved to raise it from "0.40 bpp" on the eval photos, but that figure was total bits over
    /// total pixels; as a mean over images, like every other number, hi was already at 0.444. And
    /// past mi the lite autoencoder, not the rate, limits fidelity (docs/results/capacity.md): bits
    /// added at hi buy almost nothing. The named rates are placed on their targets after training
    /// (RateCalibrator), so the levels need only bracket them.
    /// </remarks>
    public double[] LambdaB { get; init; } = [1.25 / 16, 1.25 / 16, 1.25 / 16];
    /// <summary>k_M: MSE weight, MSE measured on 0..255.</summary>
    /// <remarks>
    /// 4x the paper's 0.075·2^-5. The paper pairs k_M with LPIPS; our d_P is MS-SSIM, whose
    /// contrast-structure terms barely see colour casts: with the paper's k_M the lite run at step
    /// 1,100 decoded the eval photos in sepia (PSNR flat at 16 dB from step 600 while MS-SSIM
    /// kept rising).
    /// </remarks>
    public double KM { get; init; } = 4 * 0.075 / 32;
    /// <summary>k_P: weight of the perceptual distortion d_P = 1 - MS-SSIM.</summary>
    /// <remarks>
    /// The paper's k_P = 1 is for LPIPS. In the paper's operating range the LPIPS term is about a third
    /// to a half of the k_M·MSE term; with k_P = 1, 1 - MS-SSIM (about 0.09 on our training crops at
    /// 23.5 dB) weighed 1/30 of the k_M·MSE term (about 2.8), so training was in effect MSE-only.
    /// k_P = 10 restores the paper's balance between the two distortions. The lite run used 1 up to
    /// step 7,5xx and 10 from there on.
    /// </remarks>
    public double KP { get; init; } = 10.0;
    /// <summary>beta: weight of the generator's adversarial loss.</summary>
    /// <remarks>
    /// 4x the paper's 0.15, for the same reason k_M is 4x the paper's: scaling every distortion weight
    /// by c is the same objective as dividing beta by c, so with k_M ×4 the paper's balance between the
    /// adversarial term and the distortions is beta ×4. At the first GAN steps of the lite run (step
    /// 28,240) the distortion terms summed to about 2.5 and beta·adversarial to 0.10 with beta 0.15.
    /// Then 1.5 rather than 0.6 from step 31,019: the paper's k_P term is LPIPS, which itself rewards
    /// texture; our d_P is MS-SSIM, which does not, so the adversarial term carries all of that push.
    /// Side by side on a GPU (6,400 batch-16 steps each from step 31,019), beta 1.5 kept 37% of the
    /// originals' high-frequency energy on the monitor crops against 30% with 0.6 (15% for the
    /// rate-distortion model) for 0.15 dB less PSNR and no visible artefacts.
    /// </remarks>
    public double Beta { get; init; } = 1.5;
    /// <summary>
    /// Decay of the exponential moving average of the weights that is monitored and shipped
    /// (<see cref="WeightAverage"/>); 0 ships the raw weights. 0.998 averages over about the last
    /// 500 steps: long enough to smooth batch-4 noise, short enough to lag little behind progress.
    /// </summary>
    public double WeightAverageDecay { get; init; } = 0.998;
    /// <summary>
    /// The rate gains learn this many times faster than the rest of the model. The gains are the only
    /// per-level parameters, so only they can move one level's rate away from the others'. At the
    /// shared learning rate they move about 2e-4 in log-gain per step. After the step-7,811 change of
    /// targets and lambda_a, lo's batches stayed at 0.27 bpp for 1,400 steps while pushed towards 0.20,
    /// and mi and hi stayed at 0.35 and 0.49 while free to rise. 10 from step 10,007 on.
    /// </summary>
    public double GainLearningRateMultiplier { get; init; } = 10;
    /// <summary>
    /// Steps over which the learning rate ramps up linearly whenever training starts without optimizer
    /// state (a fresh run, --init from shipped weights, a checkpoint imported from tools/gpu-train).
    /// </summary>
    public int WarmupSteps { get; init; } = 500;
    public int LogEvery { get; init; } = 10;
    public int CheckpointEvery { get; init; } = 200;
    public int Threads { get; init; } = 2;
    public long Seed { get; init; } = 20201;
    /// <summary>Sources larger than this (shorter side, px) are downscaled ~2x with Lanczos first, to hide JPEG artefacts.</summary>
    public int DownscaleAbove { get; init; } = 512;

    /// <summary>The settings that shape the weights, for checkpoints and model cards.</summary>
    public string Describe() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"k_M {KM:0.#####}, k_P {KP:0.###}, crop-bpp targets {string.Join('/', RateTargets)}, lambda_a {string.Join('/', LambdaA)}, " +
        $"lambda_b {string.Join('/', LambdaB.Select(b => b.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)))}, batch {BatchSize}x{CropSize}px, RD lr {RdLearningRate:0.#####}, GAN lr {LearningRate:0.#####} from step {GanStartStep} " +
        $"(beta {Beta:0.###}), gains lr x{GainLearningRateMultiplier:0.##}, weight average {(WeightAverageDecay > 0 ? WeightAverageDecay.ToString("0.#####", System.Globalization.CultureInfo.InvariantCulture) : "off")}");

    public void Validate()
    {
        if (BatchSize < 1) throw new ArgumentException("Batch size must be at least 1.");
        if (CropSize < 64 || CropSize % 64 != 0) throw new ArgumentException("Crop size must be a multiple of 64, at least 64.");
        if (RateTargets.Length == 0 || RateTargets.Length != LambdaA.Length || RateTargets.Length != LambdaB.Length)
            throw new ArgumentException("Give one lambda_a and one lambda_b per rate target.");
        if (Steps < 1) throw new ArgumentException("Steps must be positive.");
        if (WeightAverageDecay is < 0 or >= 1) throw new ArgumentException("The weight-average decay must be in [0, 1).");
        if (KM < 0 || KP < 0 || Beta < 0) throw new ArgumentException("k_M, k_P and beta must not be negative.");
        if (WarmupSteps < 0) throw new ArgumentException("Warm-up steps must not be negative.");
        if (GainLearningRateMultiplier < 1) throw new ArgumentException("The gains' learning-rate multiplier must be at least 1.");
    }
}
