using System.Diagnostics;
using System.Globalization;
using HiFiC.Codec.Imaging;

namespace HiFiC.Evaluation;

/// <summary>
/// How to run one external codec: encoder and decoder command lines, the Debian package that
/// ships them, and the quality sweep (ordered from lowest to highest quality). The rate counted
/// is the whole compressed file as the encoder wrote it (container and headers included).
/// </summary>
public sealed record ClassicCodec : IRdCodec
{
    public string Kind => RdPoint.ClassicKind;

    /// <summary>Short id used on the command line and in the CSV: jpeg, webp, avif, heic, jxl.</summary>
    public required string Name { get; init; }
    /// <summary>Human name for tables and plots.</summary>
    public required string Label { get; init; }
    public required string Package { get; init; }
    public required string Encoder { get; init; }
    public required string Decoder { get; init; }
    /// <summary>Compressed file extension, with the dot.</summary>
    public required string Extension { get; init; }
    /// <summary>Decoded file extension the decoder writes (.ppm where supported, else .png).</summary>
    public string DecodedExtension { get; init; } = ".png";
    public CodecInput Input { get; init; } = CodecInput.Png;
    /// <summary>What the swept number means ("quality", "quantizer", "distance").</summary>
    public required string SettingName { get; init; }
    public required IReadOnlyList<double> Settings { get; init; }
    /// <summary>(setting, input file, output file) to encoder arguments.</summary>
    public required Func<double, string, string, IReadOnlyList<string>> EncodeArgs { get; init; }
    /// <summary>(compressed file, decoded file) to decoder arguments.</summary>
    public required Func<string, string, IReadOnlyList<string>> DecodeArgs { get; init; }
    public IReadOnlyList<string> VersionArgs { get; init; } = ["--version"];
    /// <summary>The settings in words, for the report (flags, chroma subsampling, what bpp counts).</summary>
    public required string Notes { get; init; }

    public string FormatSetting(double setting) => setting.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Encoder/decoder names not found on PATH.</summary>
    public IEnumerable<string> MissingTools() =>
        new[] { Encoder, Decoder }.Distinct().Where(t => ExternalTool.Find(t) is null);

    /// <summary>Encodes the reference at one setting, decodes it and loads the result (files are deleted after).</summary>
    public async Task<CodecRun> RunAsync(ReferenceImage reference, double setting, string workDir, CancellationToken ct)
    {
        var stem = Path.Combine(workDir, $"{Name}-{FormatSetting(setting)}");
        var compressed = stem + Extension;
        var decoded = stem + ".decoded" + DecodedExtension;
        try
        {
            var clock = Stopwatch.StartNew();
            await ExternalTool.RunAsync(Encoder, EncodeArgs(setting, reference.PathFor(Input), compressed), ct).ConfigureAwait(false);
            var encodeTime = clock.Elapsed;
            clock.Restart();
            await ExternalTool.RunAsync(Decoder, DecodeArgs(compressed, decoded), ct).ConfigureAwait(false);
            var decodeTime = clock.Elapsed;
            long bytes = new FileInfo(compressed).Length;
            var image = DecodedExtension == ".ppm" ? Ppm.Read(decoded) : ImageIO.Load(decoded).Rgb;
            if (image.Width != reference.Rgb.Width || image.Height != reference.Rgb.Height)
                throw new InvalidOperationException(
                    $"{Decoder} gave {image.Width}x{image.Height} for a {reference.Rgb.Width}x{reference.Rgb.Height} image ({Name} {SettingName} {FormatSetting(setting)}).");
            return new CodecRun(bytes, image, encodeTime, decodeTime);
        }
        finally
        {
            File.Delete(compressed);
            File.Delete(decoded);
        }
    }
}
