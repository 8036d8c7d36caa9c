using System.Diagnostics;
using System.Globalization;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;

namespace HiFiC.Evaluation;

/// <summary>
/// One of our models in the benchmark, swept over its continuous rate t. Bpp is the size of the
/// real .hific file (header, tile index and checksums included), coded in memory. With refinement
/// steps it is a separate curve (named id+refineN): same model and decoder, a slower encoder.
/// </summary>
public sealed class LearnedCodec : IRdCodec, IDisposable
{
    private readonly CodecModel model;
    private readonly LatentCodec latentCodec;
    private readonly HificEncoder encoder;
    private readonly HificDecoder decoder;
    // One image at a time per model: torch already spreads each forward over its intra-op threads,
    // and the encoder/decoder share one latent codec whose thread safety nothing promises.
    private readonly SemaphoreSlim gate = new(1, 1);

    private readonly int refineSteps;
    private readonly int tileSize;

    /// <param name="tileSize">Refinement optimises each tile's context: larger tiles waste less on margins.</param>
    public LearnedCodec(CodecModel model, IReadOnlyList<double> rates, int refineSteps = 0, int tileSize = 512)
    {
        this.model = model;
        this.refineSteps = refineSteps;
        this.tileSize = tileSize;
        int levels = model.Preset.RateLevels;
        Settings = rates.Where(r => RateGains.InRange(r, levels)).Distinct().Order().ToList();
        if (Settings.Count == 0)
            throw new ArgumentException($"None of the rates {string.Join(", ", rates)} is within model {model.Id}'s range {RateGains.RangeText(levels)}.");
        latentCodec = new LatentCodec(model);
        encoder = new HificEncoder(model, latentCodec);
        decoder = new HificDecoder(model, latentCodec);
    }

    /// <summary>
    /// Everything that determines this codec's points besides the image and the rate: the weights'
    /// digest, refinement steps, tile size, and the codec library's build (a SHA-256 of
    /// HiFiC.Codec.dll; builds are deterministic, so it changes exactly when the code does).
    /// </summary>
    public string CacheIdentity => $"{model.Digest}|refine {refineSteps}|tile {tileSize}|codec {CodecBuild.Value}";

    private static readonly Lazy<string> CodecBuild = new(() =>
    {
        var assembly = typeof(HificEncoder).Assembly;
        // A single-file publish has no path: its module version id differs per build, so nothing stale is reused.
        if (string.IsNullOrEmpty(assembly.Location)) return assembly.ManifestModule.ModuleVersionId.ToString();
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(assembly.Location)));
    });

    /// <summary>Refinement steps per tile (0 = the plain encoder, a BD-rate anchor).</summary>
    public int RefineSteps => refineSteps;

    public string Name => refineSteps > 0 ? $"{model.Id}+refine{refineSteps}" : model.Id;
    public string Label => refineSteps > 0 ? $"HiFiC {model.Id}, {refineSteps} refinement steps" : $"HiFiC {model.Id}";
    public string Kind => RdPoint.LearnedKind;
    public string SettingName => "t";
    public IReadOnlyList<double> Settings { get; }

    /// <summary>How it was run, for the report.</summary>
    public string Notes =>
        $"`HificEncoder.Compress` at rate t, tiles of {tileSize} px" +
        (refineSteps > 0 ? $", {refineSteps} steps of encoder-side latent refinement (`LatentRefiner`)" : "") +
        ", then `HificDecoder`; bpp = the real .hific file";

    public string FormatSetting(double setting) => setting.ToString("0.##", CultureInfo.InvariantCulture);

    public async Task<CodecRun> RunAsync(ReferenceImage reference, double setting, string workDir, CancellationToken ct)
    {
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var file = new MemoryStream();
            var clock = Stopwatch.StartNew();
            var result = encoder.Compress(reference.Loaded, file, new CompressOptions { Rate = setting, RefineSteps = refineSteps, TileSize = tileSize }, ct);
            var encodeTime = clock.Elapsed;
            file.Position = 0;
            clock.Restart();
            var decoded = decoder.Decompress(file, ct: ct);
            return new CodecRun(file.Length, decoded.Image, encodeTime, clock.Elapsed, result.RefinedTiles, result.TilesKeptPlain);
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose()
    {
        latentCodec.Dispose();
        gate.Dispose();
    }
}
