using HiFiC.Codec.Imaging;

namespace HiFiC.Evaluation;

/// <summary>
/// The pixels every codec is measured against, written once per image as a plain 8-bit RGB PNG
/// (and a PPM for cjpeg). Encoders read these copies, not the source file, so all of them (and
/// our model, and the metrics) see exactly the same RGB samples: no ICC/gamma chunk, alpha or
/// 16-bit depth in the source can be interpreted differently by one tool.
/// </summary>
public sealed class ReferenceImage
{
    public required string Name { get; init; }
    public required LoadedImage Loaded { get; init; }
    public required string PngPath { get; init; }
    public required string PpmPath { get; init; }
    public RgbImage Rgb => Loaded.Rgb;
    public long Pixels => (long)Rgb.Width * Rgb.Height;

    public string PathFor(CodecInput input) => input == CodecInput.Ppm ? PpmPath : PngPath;

    public static ReferenceImage Create(string sourcePath, string workDir)
    {
        Directory.CreateDirectory(workDir);
        // Alpha and grey/16-bit flags are dropped: every codec, ours included, codes the same 8-bit RGB.
        var loaded = new LoadedImage(ImageIO.Load(sourcePath).Rgb, SourceColor.Rgb8, null);
        var png = Path.Combine(workDir, "reference.png");
        var ppm = Path.Combine(workDir, "reference.ppm");
        ImageIO.SavePng(png, loaded.Rgb); // no source colour: always 3-channel RGB
        Ppm.Write(ppm, loaded.Rgb);
        return new ReferenceImage { Name = Path.GetFileNameWithoutExtension(sourcePath), Loaded = loaded, PngPath = png, PpmPath = ppm };
    }
}
