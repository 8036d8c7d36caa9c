using System.CommandLine;
using HiFiC.Cli.Settings;
using HiFiC.Codec.Imaging;

namespace HiFiC.Cli;

/// <summary>Options shared by several commands, so each reads and validates the same way everywhere.</summary>
public static class CommonOptions
{
    public static Option<string?> Output(string description) => new("--output", "-o") { Description = description };

    public static Option<string?> Model() => new("--model", "-m")
    {
        Description = "Model id, digest prefix (8+ hex digits) or model folder. Default: hific-lite-ctx (hific-lite with the context entropy model), searched in $HIFIC_MODELS, models/ beside the program, models/ in the current folder and its parents.",
    };

    public static Option<string?> Rate() => new("--rate", "-r")
    {
        Description = "Rate level: a name from the model card (lo, mi, hi) or a continuous t between 0 and levels-1. Default: mi.",
    };

    public static Option<double?> Bpp() => new("--bpp")
    {
        Description = "Target bits per pixel; mapped to a rate with the model card's measured operating points. Excludes --rate.",
    };

    public static Option<int> Tile() => new("--tile")
    {
        Description = "Tile edge in pixels (multiple of 64, 64..4096). Smaller tiles bound memory and speed up region restores.",
        DefaultValueFactory = _ => 512,
    };

    public static Option<int> Refine() => new("--refine")
    {
        Description = "Steps of encoder-side latent refinement: better quality at about the same size, for encode time "
            + "(each step costs about 2-3 s per megapixel on two CPU cores, milliseconds on a GPU). Any decoder reads the result. 0 = off.",
        DefaultValueFactory = _ => 0,
        Validators =
        {
            r =>
            {
                int n = r.GetValueOrDefault<int>();
                if (n < 0 || n > HiFiC.Codec.Coding.CompressOptions.MaxRefineSteps)
                    r.AddError($"--refine must be between 0 and {HiFiC.Codec.Coding.CompressOptions.MaxRefineSteps}.");
            },
        },
    };

    public static Option<string?> Effort() => new("--effort")
    {
        Description = "Encode effort: fast (no refinement), balanced or max (refine the latents: better quality at about the same size, "
            + "for encode time). Default: fast on a CPU, balanced on a GPU. Excludes --refine.",
        Validators =
        {
            r =>
            {
                var text = r.GetValueOrDefault<string?>();
                if (text is not null && !HiFiC.Codec.Coding.RefineEfforts.TryParse(text, out _))
                    r.AddError($"--effort must be one of {string.Join(", ", HiFiC.Codec.Coding.RefineEfforts.Names)} (got '{text}').");
            },
        },
    };

    /// <summary>
    /// The effort and refinement steps a command runs with: --refine N (no level), else --effort, else
    /// the default for where it runs (fast on a CPU, balanced on a GPU). Both given is a usage error.
    /// </summary>
    public static (string? Effort, int Steps) ResolveEffort(ParseResult r, Option<string?> effort, Option<int> refine)
    {
        int steps = r.GetValue(refine);
        var text = r.GetValue(effort);
        if (text is not null && steps > 0) throw new UsageException("give either --effort or --refine, not both");
        if (steps > 0) return (null, steps);
        var level = text is not null ? HiFiC.Codec.Coding.RefineEfforts.Parse(text)
            : HiFiC.Codec.Coding.RefineEfforts.DefaultFor(HiFiC.Codec.Networks.TorchRuntime.OnGpu);
        return (HiFiC.Codec.Coding.RefineEfforts.Name(level), HiFiC.Codec.Coding.RefineEfforts.Steps(level));
    }

    public static Option<bool> Overwrite() => new("--overwrite")
    {
        Description = "Replace outputs that already exist (without it, an existing output is an error and is left untouched).",
    };

    public static Option<int?> Limit(string what) => new("--limit")
    {
        Description = $"Use at most this many {what} (in name order).",
    };

    public static Option<PixelRect?> Region() => new("--region")
    {
        Description = $"Restore only this rectangle: {RegionParser.Syntax}. Only the tiles it meets are decoded.",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (RegionParser.TryParse(text, out var region, out var error)) return region;
            result.AddError(error);
            return null;
        },
    };

    /// <summary>--rate and --bpp name the same thing two ways: refuse both at parse time (exit 2).</summary>
    /// <summary>Constant-quality mode: the lowest rate whose decoded image reaches this MS-SSIM (never past the model's knee).</summary>
    public static Option<double?> TargetMsSsim() => new("--target-msssim")
    {
        Description = "Constant quality: code each image at the lowest rate whose decoded image reaches this MS-SSIM (0..1], "
            + "searched per image (the analysis transform runs once). Never spends bits past the knee, where a higher rate gains "
            + "less than 0.002 MS-SSIM per half level: an image that cannot reach the target there gets the knee rate, and the "
            + "output says so. Excludes --rate and --bpp.",
        Validators =
        {
            r =>
            {
                if (r.GetValueOrDefault<double?>() is { } q && !(q > 0 && q <= 1))
                    r.AddError($"--target-msssim must be in (0, 1] (got {q.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
            },
        },
    };

    /// <summary>A quality target chooses the rate itself: it excludes --rate and --bpp.</summary>
    public static void TargetExcludesRate(Command command, Option<double?> target, Option<string?> rate, Option<double?> bpp) =>
        command.Validators.Add(result =>
        {
            if (result.GetResult(target) is { Implicit: false } && (result.GetResult(rate) is { Implicit: false } || result.GetResult(bpp) is { Implicit: false }))
                result.AddError("--target-msssim chooses the rate per image: give it or --rate/--bpp, not both.");
        });

    public static void RateOrBpp(Command command, Option<string?> rate, Option<double?> bpp) =>
        command.Validators.Add(result =>
        {
            if (result.GetResult(rate) is { Implicit: false } && result.GetResult(bpp) is { Implicit: false })
                result.AddError("Give --rate or --bpp, not both.");
        });

    public static void Positive(Option<int> option) =>
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError($"{option.Name} must be at least 1.");
        });

    public static void Positive(Option<int?> option) =>
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1) result.AddError($"{option.Name} must be at least 1.");
        });

    /// <summary>Job options shared by `archive compress` and `job submit`, so both read the same way.</summary>
    public static Option<bool> Verify() => new("--verify") { Description = "Decode every written file, require bit-exact latents, and record PSNR/MS-SSIM in its manifest." };

    public static Option<bool> Redo() => new("--redo") { Description = "Archive again what the archive already holds (default: skip it)." };

    public static Option<double> SplitAbove() => new("--split-above")
    {
        Description = "Megapixels above which an image is split into tile items compressed in parallel (0 = never).",
        DefaultValueFactory = _ => HiFiC.Cluster.Contracts.Jobs.JobSpec.DefaultSplitAbovePixels / 1e6,
    };
}
