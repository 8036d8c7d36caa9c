namespace HiFiC.Evaluation;

/// <summary>
/// The classic codecs of the rate–distortion benchmark, as shipped by Debian 12. Sweeps were
/// chosen so that mean bpp on ../shared/datasets/eval spans about 0.05–1 bpp (JPEG and WebP
/// cannot go much below ~0.09 bpp: headers and DC terms alone cost that much). The top settings
/// (JPEG 75, WebP 85, AVIF 22/18, HEIC 50/55) were added after the first full run, whose highest
/// settings reached only 0.64–0.83 mean bpp; measured alone on that set they give 1.03, 1.04,
/// 0.77/0.91 and 0.85/1.17 mean bpp. Decoders write PPM where they can:
/// compressing a PNG per point would cost more than the decode itself.
/// </summary>
public static class ClassicCodecs
{
    public const string InstallScript = "scripts/install-codecs.sh";

    /// <summary>libjpeg-turbo: baseline 4:2:0 (cjpeg's default), Huffman tables optimised per image.</summary>
    public static ClassicCodec Jpeg { get; } = new()
    {
        Name = "jpeg", Label = "JPEG", Package = "libjpeg-turbo-progs",
        Encoder = "cjpeg", Decoder = "djpeg", Extension = ".jpg", DecodedExtension = ".ppm", Input = CodecInput.Ppm,
        SettingName = "quality", Settings = [3, 5, 8, 12, 16, 20, 30, 40, 50, 60, 75],
        EncodeArgs = (q, input, output) => ["-quality", Q(q), "-optimize", "-outfile", output, input],
        DecodeArgs = (input, output) => ["-ppm", "-outfile", output, input],
        VersionArgs = ["-version"],
        Notes = "`cjpeg -quality Q -optimize` (libjpeg-turbo, 4:2:0, optimised Huffman tables); decoded with `djpeg`. bpp = whole .jpg file.",
    };

    /// <summary>libwebp lossy (VP8, 4:2:0) at its slowest/best method.</summary>
    public static ClassicCodec WebP { get; } = new()
    {
        Name = "webp", Label = "WebP", Package = "webp",
        Encoder = "cwebp", Decoder = "dwebp", Extension = ".webp", DecodedExtension = ".ppm",
        SettingName = "quality", Settings = [0, 5, 10, 20, 30, 40, 50, 60, 70, 80, 85],
        EncodeArgs = (q, input, output) => ["-quiet", "-q", Q(q), "-m", "6", input, "-o", output],
        DecodeArgs = (input, output) => ["-quiet", "-ppm", input, "-o", output],
        VersionArgs = ["-version"],
        Notes = "`cwebp -q Q -m 6` (lossy VP8, 4:2:0); decoded with `dwebp`. bpp = whole .webp (RIFF) file.",
    };

    /// <summary>
    /// libavif 0.11 (Debian 12) has no -q: quality is the AV1 quantizer, min = max = Q (lower is
    /// better). 4:2:0 like the others (avifenc's PNG default is 4:4:4); libaom, speed 6.
    /// </summary>
    public static ClassicCodec Avif { get; } = new()
    {
        Name = "avif", Label = "AVIF", Package = "libavif-bin",
        Encoder = "avifenc", Decoder = "avifdec", Extension = ".avif",
        SettingName = "quantizer", Settings = [62, 58, 54, 50, 46, 42, 38, 34, 30, 26, 22, 18],
        EncodeArgs = (q, input, output) => ["-j", "1", "-s", "6", "-y", "420", "--min", Q(q), "--max", Q(q), input, output],
        DecodeArgs = (input, output) => ["-j", "1", input, output],
        Notes = "`avifenc -s 6 -y 420 --min Q --max Q -j 1` (libaom AV1, 8-bit 4:2:0; Q is the quantizer 0–63, lower = better); decoded with `avifdec` (dav1d). bpp = whole .avif file.",
    };

    /// <summary>HEVC intra through libheif + x265: the codec inside BPG.</summary>
    public static ClassicCodec Heic { get; } = new()
    {
        Name = "heic", Label = "HEVC intra (HEIC)", Package = "libheif-examples",
        Encoder = "heif-enc", Decoder = "heif-convert", Extension = ".heic",
        SettingName = "quality", Settings = [1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55],
        // One x265 thread pool thread: the bitstream is the same, and the benchmark's own workers
        // are the parallelism (the machine is shared).
        EncodeArgs = (q, input, output) => ["-q", Q(q), "-p", "x265:pools=1", input, "-o", output],
        DecodeArgs = (input, output) => [input, output],
        VersionArgs = ["-h"],
        Notes = "`heif-enc -q Q` (libheif 1.15 + x265, preset slow, tune ssim, 8-bit 4:2:0 — HEVC intra as in BPG); decoded with `heif-convert`. bpp = the whole .heic file (HEIF container, ~0.3–0.5 kB, included).",
    };

    /// <summary>Optional: JPEG XL (libjxl 0.7), swept over the butteraugli distance (lower = better).</summary>
    public static ClassicCodec Jxl { get; } = new()
    {
        Name = "jxl", Label = "JPEG XL", Package = "libjxl-tools",
        Encoder = "cjxl", Decoder = "djxl", Extension = ".jxl", DecodedExtension = ".ppm",
        SettingName = "distance", Settings = [15, 12, 9, 7, 5, 4, 3, 2.5, 2, 1.5],
        EncodeArgs = (d, input, output) => [input, output, "-d", Q(d), "-e", "7", "--quiet"],
        DecodeArgs = (input, output) => [input, output, "--quiet"],
        Notes = "`cjxl -d D -e 7` (libjxl 0.7, VarDCT; D is the butteraugli distance, lower = better); decoded with `djxl`. bpp = whole .jxl file.",
    };

    /// <summary>The four compared by default (JPEG XL is opt-in).</summary>
    public static IReadOnlyList<ClassicCodec> Default { get; } = [Jpeg, WebP, Avif, Heic];
    public static IReadOnlyList<ClassicCodec> All { get; } = [Jpeg, WebP, Avif, Heic, Jxl];

    public static ClassicCodec ByName(string name) =>
        All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)
                                || (name.Equals("hevc", StringComparison.OrdinalIgnoreCase) && c == Heic)
                                || (name.Equals("bpg", StringComparison.OrdinalIgnoreCase) && c == Heic))
        ?? throw new ArgumentException($"Unknown codec '{name}'. Known: {string.Join(", ", All.Select(c => c.Name))}.");

    /// <summary>
    /// Throws with the exact fix when a codec's tools are missing (before any work starts).
    /// </summary>
    public static void EnsureInstalled(IEnumerable<ClassicCodec> codecs)
    {
        var missing = codecs.Select(c => (Codec: c, Tools: c.MissingTools().ToList())).Where(m => m.Tools.Count > 0).ToList();
        if (missing.Count == 0) return;
        var tools = string.Join(", ", missing.SelectMany(m => m.Tools));
        var packages = string.Join(' ', missing.Select(m => m.Codec.Package).Distinct());
        throw new CodecToolsMissingException(
            $"Missing codec tools: {tools}. Install them with `sudo {InstallScript}` (from the repository root), " +
            $"or directly: `sudo apt-get update && sudo apt-get install -y {packages}`.");
    }

    private static string Q(double v) => v.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
}
