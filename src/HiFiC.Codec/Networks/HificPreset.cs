namespace HiFiC.Codec.Networks;

/// <summary>
/// Sizes of one HiFiC network family. All presets share the paper's topology; only widths and
/// depths differ, so weights, tables and the format work the same for each.
/// </summary>
public sealed record HificPreset(
    string Name,
    int StemChannels,                 // encoder 7x7 conv output (paper 60)
    int[] EncoderChannels,            // the four stride-2 convs (paper 120, 240, 480, 960)
    int LatentChannels,               // y (paper 220)
    int HyperWidth,                   // hyper-analysis/synthesis width (paper 320)
    int HyperLatentChannels,          // z (paper 320)
    int GeneratorChannels,            // generator width at H/16 (paper 960)
    int ResidualBlocks,               // paper 9
    int[] UpsampleChannels,           // the four transposed convs (paper 480, 240, 120, 60)
    int[] DiscriminatorChannels,      // paper 64, 128, 256, 512
    int RateLevels = 3)               // gain vectors: lo, mi, hi
{
    /// <summary>The paper's exact sizes (~157 M generator parameters; ~0.1 MP/s on 2 CPU cores).</summary>
    public static HificPreset Paper { get; } = new("paper", 60, [120, 240, 480, 960], 220, 320, 320, 960, 9,
        [480, 240, 120, 60], [64, 128, 256, 512]);

    /// <summary>Same topology, narrow enough to train and decode on a laptop CPU.</summary>
    public static HificPreset Lite { get; } = new("lite", 24, [48, 96, 192, 384], 128, 128, 96, 256, 6,
        [128, 64, 32, 16], [32, 64, 128, 256]);

    /// <summary>For tests: every layer present, a few channels each.</summary>
    public static HificPreset Tiny { get; } = new("tiny", 4, [8, 8, 8, 8], 8, 8, 8, 8, 1,
        [8, 8, 8, 8], [4, 4, 4, 4]);

    public static IReadOnlyList<HificPreset> All { get; } = [Paper, Lite, Tiny];

    public static HificPreset ByName(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown preset '{name}'. Known presets: {string.Join(", ", All.Select(p => p.Name))}.");

    /// <summary>Image sides are padded to this multiple: /16 for the latent, /4 more for z.</summary>
    public const int SizeMultiple = 64;
}
