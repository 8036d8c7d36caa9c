using HiFiC.Codec.Imaging;
using HiFiC.Evaluation;

namespace HiFiC.Evaluation.Tests;

/// <summary>
/// A stand-in codec with no external tools: keeps the top `setting` bits of each sample and
/// "costs" that many bits per sample, so higher settings give more bpp and more quality.
/// </summary>
internal sealed class FakeCodec(string name, string kind, IReadOnlyList<double> settings) : IRdCodec
{
    public string Name => name;
    public string Label => $"Fake {name}";
    public string Kind => kind;
    public string SettingName => "bits";
    public IReadOnlyList<double> Settings => settings;
    public string FormatSetting(double setting) => setting.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public Task<CodecRun> RunAsync(ReferenceImage reference, double setting, string workDir, CancellationToken ct)
    {
        int bits = Math.Clamp((int)setting, 1, 8);
        byte mask = (byte)(0xFF << (8 - bits));
        // Reconstruct at the middle of each quantisation bin.
        int half = bits < 8 ? 1 << (7 - bits) : 0;
        var pixels = reference.Rgb.Pixels.Select(p => (byte)((p & mask) + half)).ToArray();
        long bytes = reference.Pixels * 3 * bits / 8 / 4;
        return Task.FromResult(new CodecRun(bytes, new RgbImage(reference.Rgb.Width, reference.Rgb.Height, pixels), TimeSpan.Zero, TimeSpan.Zero));
    }
}
