using HiFiC.Codec.Models;

namespace HiFiC.Evaluation;

/// <summary>What <see cref="RdBenchmark"/> runs. Zero models is allowed (classic codecs only).</summary>
public sealed record RdBenchmarkOptions
{
    /// <summary>At most this many images are coded at once: each worker runs one encoder process plus metrics.</summary>
    public const int MaxWorkers = 2;

    public required string ImageDir { get; init; }
    /// <summary>Report folder; files are prefixed rd- so it can be a shared docs/results folder.</summary>
    public required string OutDir { get; init; }
    /// <summary>Model ids, digests or folders, resolved through <see cref="Registry"/>.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];
    /// <summary>Models already in memory (tests, callers that hold a model pool). Not disposed by the benchmark.</summary>
    public IReadOnlyList<CodecModel> LoadedModels { get; init; } = [];
    /// <summary>Where <see cref="Models"/> are looked up; default <see cref="ModelRegistry.FromEnvironment"/>.</summary>
    public ModelRegistry? Registry { get; init; }
    /// <summary>Rates t each model is swept over; values beyond a model's last level are skipped.</summary>
    public IReadOnlyList<double> ModelRates { get; init; } = [0, 0.5, 1, 1.5, 2];
    /// <summary>
    /// For each N &gt; 0 here, every model is also swept with N steps of encoder-side latent refinement, as a
    /// curve of its own, at <see cref="RefineRates"/> (default: <see cref="ModelRates"/>) and tiles of <see cref="RefineTileSize"/>.
    /// Several step counts give the gain per second of encode time (the report's refinement section).
    /// </summary>
    public IReadOnlyList<int> RefineSteps { get; init; } = [];
    public IReadOnlyList<double>? RefineRates { get; init; }
    public int RefineTileSize { get; init; } = 1024;
    /// <summary>Classic codecs by name (jpeg, webp, avif, heic, jxl).</summary>
    public IReadOnlyList<string> Codecs { get; init; } = ClassicCodecs.Default.Select(c => c.Name).ToList();
    /// <summary>Codecs beyond the built-in ones (anything implementing <see cref="IRdCodec"/>); classic-kind ones are also BD-rate anchors.</summary>
    public IReadOnlyList<IRdCodec> AdditionalCodecs { get; init; } = [];
    /// <summary>Replaces a codec's quality sweep, by codec name (tests use short sweeps).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> Sweeps { get; init; } = new Dictionary<string, IReadOnlyList<double>>();
    /// <summary>Only the first N images (ordinal file-name order).</summary>
    public int? MaxImages { get; init; }
    /// <summary>File name (with or without extension) of the image for the crop sheet; default the first image.</summary>
    public string? CropSheetImage { get; init; }
    /// <summary>Bpp the crop sheet matches every codec to; default: the first model at t = 1, else 0.25.</summary>
    public double? CropTargetBpp { get; init; }
    /// <summary>Edge of the square crop shown per codec (pixels, at 1:1).</summary>
    public int CropSize { get; init; } = 256;
    /// <summary>
    /// Folder of the point cache (<see cref="RdPointCache"/>); null measures everything afresh.
    /// </summary>
    public string? CacheDir { get; init; }
    /// <summary>Images coded in parallel (1..<see cref="MaxWorkers"/>).</summary>
    public int Threads { get; init; } = MaxWorkers;

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ImageDir)) throw new ArgumentException("An image folder is required.");
        if (!Directory.Exists(ImageDir)) throw new DirectoryNotFoundException($"Image folder not found: {ImageDir}");
        if (string.IsNullOrWhiteSpace(OutDir)) throw new ArgumentException("An output folder is required.");
        if (MaxImages is <= 0) throw new ArgumentException($"MaxImages must be positive (got {MaxImages}).");
        if (CropSize < 16) throw new ArgumentException($"CropSize must be at least 16 (got {CropSize}).");
        if (CropTargetBpp is <= 0) throw new ArgumentException($"CropTargetBpp must be positive (got {CropTargetBpp}).");
        if (Threads < 1) throw new ArgumentException($"Threads must be at least 1 (got {Threads}).");
        // Each model keeps the rates inside its own range (LearnedCodec) and refuses when none is.
        if (ModelRates.Any(r => !double.IsFinite(r)) || (RefineRates?.Any(r => !double.IsFinite(r)) ?? false))
            throw new ArgumentException("Model rates must be finite numbers.");
        if (RefineSteps.Any(s => s < 0 || s > HiFiC.Codec.Coding.CompressOptions.MaxRefineSteps))
            throw new ArgumentException($"Refinement steps must be between 0 and {HiFiC.Codec.Coding.CompressOptions.MaxRefineSteps} (got {string.Join(", ", RefineSteps)}).");
        if (Codecs.Count == 0 && Models.Count == 0 && LoadedModels.Count == 0 && AdditionalCodecs.Count == 0)
            throw new ArgumentException("Nothing to benchmark: no codecs and no models.");
    }
}
