using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Embedded;
using HiFiC.Cluster.Tests.Infrastructure;
using HiFiC.Codec.Imaging;
using HiFiC.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;

namespace HiFiC.Cluster.Tests.Embedded;

/// <summary>
/// Issue 17, items 4 and 5, on a real folder archive through the embedded silo: an archive is never
/// bigger or (with a floor) worse than its originals, keeps what the codec cannot represent whole,
/// and carries EXIF, XMP, IPTC and ICC through to the restored PNG.
/// </summary>
[Collection(ExactOutputCollection.Name)]
public sealed class ArchiveFidelityTests : IDisposable
{
    private readonly TempFolder temp = new();
    private readonly FixedModelSource models = new(TestModel.Tiny);
    private readonly Xunit.Abstractions.ITestOutputHelper output;

    public ArchiveFidelityTests(Xunit.Abstractions.ITestOutputHelper output) => this.output = output;

    public void Dispose() => temp.Dispose();

    private Task<ArchiveSummary> ArchiveAsync(string src, string dst, double? minMsSsim = null, double? minPsnr = null, KeepOriginalWhen? when = null) =>
        ArchiveRunner.CompressAsync(new ArchiveRunOptions
        {
            Source = src, Destination = dst, TileSize = 64, Models = models, ModelInstances = 1, ThreadsPerInstance = 1,
            StatusInterval = TimeSpan.FromMilliseconds(50), MinMsSsim = minMsSsim, MinPsnr = minPsnr, KeepOriginalWhen = when,
        });

    private static ArchiveManifest Manifest(string dst, string path) => ArchiveManifest.FromJson(File.ReadAllBytes(Path.Combine(dst, ArchiveNaming.Manifest(path))));

    [Fact]
    public async Task A_tiny_image_that_only_grows_is_kept_as_original_and_counted()
    {
        var src = temp.Sub("photos");
        var dst = temp.Sub("archive");
        TestImages.WritePng(Path.Combine(src, "icon.png"), 2, 2, seed: 4); // ~70 bytes: less than any .hific's framing
        TestImages.WritePng(Path.Combine(src, "big.png"), 128, 96, seed: 5);
        var icon = File.ReadAllBytes(Path.Combine(src, "icon.png"));

        var summary = await ArchiveAsync(src, dst);

        Assert.Equal(JobPhase.Done, summary.Status.Phase);
        Assert.Equal((2L, 1L, 0L), (summary.Images, summary.KeptOriginal, summary.Status.Failed));
        var m = Manifest(dst, "icon.png");
        Assert.True(m.IsOriginal, m.KeptReason);
        Assert.StartsWith("larger:", m.KeptReason);
        output.WriteLine($"icon.png: {m.KeptReason}; big.png {new FileInfo(Path.Combine(src, "big.png")).Length} -> {Manifest(dst, "big.png").OutputSize} bytes");
        Assert.Equal(icon, File.ReadAllBytes(Path.Combine(dst, ArchiveNaming.Original("icon.png"))));
        Assert.False(File.Exists(Path.Combine(dst, ArchiveNaming.Bitstream("icon.png"))));
        Assert.False(Manifest(dst, "big.png").IsOriginal);
        // Never bigger, file by file.
        foreach (var name in new[] { "icon.png", "big.png" })
            Assert.True(Manifest(dst, name).OutputSize <= new FileInfo(Path.Combine(src, name)).Length, name);

        var restoredDir = Path.Combine(temp.Path, "restored");
        var restored = await ArchiveRunner.RestoreAsync(dst, restoredDir, models, modelInstances: 1);
        Assert.Equal(2, restored.Restored);
        Assert.Equal(icon, File.ReadAllBytes(Path.Combine(restoredDir, "icon.png"))); // the bytes as they were
    }

    /// <summary>With the shipped model: a JPEG saved at quality 1 is smaller than any learned-codec file of it at t = 1.</summary>
    [Fact]
    public async Task A_heavily_compressed_jpeg_that_only_grows_is_kept_as_original_and_counted()
    {
        var src = temp.Sub("photos");
        var dst = temp.Sub("archive");
        var jpeg = CameraFiles.SmoothJpeg(384, 256, quality: 1);
        File.WriteAllBytes(Path.Combine(src, "low.jpg"), jpeg);
        File.WriteAllBytes(Path.Combine(src, "photo.jpg"), CameraFiles.Jpeg(384, 256, quality: 95, orientation: 1));
        var lite = new FixedModelSource(ShippedModel.Lite);

        var summary = await ArchiveRunner.CompressAsync(new ArchiveRunOptions
        {
            Source = src, Destination = dst, TileSize = 256, Models = lite, ModelInstances = 1, ThreadsPerInstance = 2,
            StatusInterval = TimeSpan.FromMilliseconds(50),
        });

        Assert.Equal((2L, 1L, 0L), (summary.Images, summary.KeptOriginal, summary.Status.Failed));
        var low = Manifest(dst, "low.jpg");
        Assert.True(low.IsOriginal);
        output.WriteLine($"low.jpg {jpeg.Length} bytes: {low.KeptReason}; photo.jpg {new FileInfo(Path.Combine(src, "photo.jpg")).Length} -> {Manifest(dst, "photo.jpg").OutputSize} bytes");
        Assert.Equal(jpeg, File.ReadAllBytes(Path.Combine(dst, ArchiveNaming.Original("low.jpg"))));
        Assert.False(Manifest(dst, "photo.jpg").IsOriginal);
        Assert.True(summary.BytesAfter <= summary.BytesBefore);
    }

    [Fact]
    public async Task An_animated_gif_with_three_frames_is_kept_verbatim_and_restored_byte_for_byte()
    {
        var src = temp.Sub("photos");
        var dst = temp.Sub("archive");
        var gif = CameraFiles.AnimatedGif(3, size: 96);
        File.WriteAllBytes(Path.Combine(src, "loop.gif"), gif);

        // Even with keeping off, a file the codec cannot represent whole is not cut down to a frame.
        var summary = await ArchiveAsync(src, dst, when: KeepOriginalWhen.Never);

        Assert.Equal((1L, 1L), (summary.Images, summary.KeptOriginal));
        var m = Manifest(dst, "loop.gif");
        Assert.StartsWith("animated GIF", m.KeptReason);
        output.WriteLine($"loop.gif {gif.Length} bytes, 3 frames: {m.KeptReason}");
        Assert.Equal((96, 96, 0), (m.Width, m.Height, m.Tiles));
        var restoredDir = Path.Combine(temp.Path, "restored");
        await ArchiveRunner.RestoreAsync(dst, restoredDir, models, modelInstances: 1);
        var back = File.ReadAllBytes(Path.Combine(restoredDir, "loop.gif"));
        Assert.Equal(gif, back);
        using var image = Image.Load(back);
        Assert.Equal(3, image.Frames.Count);
    }

    [Fact]
    public async Task Below_the_quality_floor_the_original_is_kept_and_the_floor_implies_verify()
    {
        var src = temp.Sub("photos");
        var dst = temp.Sub("archive");
        TestImages.WritePng(Path.Combine(src, "a.png"), 128, 128, seed: 7);
        TestImages.WritePng(Path.Combine(src, "b.png"), 96, 64, seed: 8);

        // The tiny untrained model reaches nothing like 0.9999 MS-SSIM; verify is not asked for.
        var summary = await ArchiveAsync(src, dst, minMsSsim: 0.9999);

        Assert.Equal((2L, 2L), (summary.Images, summary.KeptOriginal));
        var m = Manifest(dst, "a.png");
        Assert.StartsWith("belowFloor: MS-SSIM", m.KeptReason);
        output.WriteLine($"a.png at minMsSsim 0.9999: {m.KeptReason}");
        Assert.True(m.Verified);
        Assert.Equal(File.ReadAllBytes(Path.Combine(src, "a.png")), File.ReadAllBytes(Path.Combine(dst, ArchiveNaming.Original("a.png"))));

        // A floor every image reaches: the .hific is stored, decoded (verify implied) and measured per tile.
        var dst2 = temp.Sub("archive2");
        var passing = await ArchiveAsync(src, dst2, minPsnr: 1);
        Assert.Equal((2L, 0L), (passing.Images, passing.KeptOriginal));
        var p = Manifest(dst2, "a.png");
        Assert.True(p.Verified && p.Psnr > 1 && p.WorstTilePsnr > 1 && p.WorstTileMsSsim is not null, p.KeptReason);
        Assert.True(p.WorstTilePsnr <= p.Psnr + 1e-9);
        output.WriteLine($"a.png at minPsnr 1: {p.OutputSize} bytes, PSNR {p.Psnr:0.##} dB (worst tile {p.WorstTilePsnr:0.##}), MS-SSIM {p.MsSsim:0.####} (worst tile {p.WorstTileMsSsim:0.####})");
    }

    [Fact]
    public async Task Below_the_floor_with_keeping_off_the_image_fails_with_the_reason()
    {
        var src = temp.Sub("photos");
        var dst = temp.Sub("archive");
        TestImages.WritePng(Path.Combine(src, "a.png"), 128, 128, seed: 7);

        var summary = await ArchiveAsync(src, dst, minMsSsim: 0.9999, when: KeepOriginalWhen.Larger);

        Assert.Equal((0L, 1L), (summary.Images, summary.Status.Failed));
        Assert.Contains("below the quality floor", Assert.Single(summary.Status.Failures).Reason);
        Assert.False(File.Exists(Path.Combine(dst, ArchiveNaming.Manifest("a.png"))));
    }

    [Fact]
    public async Task A_camera_jpeg_keeps_its_exif_gps_xmp_iptc_and_icc_through_archive_and_restore()
    {
        var src = temp.Sub("photos");
        var dst = temp.Sub("archive");
        File.WriteAllBytes(Path.Combine(src, "IMG_0001.jpg"), CameraFiles.Jpeg(256, 192, quality: 97));
        var original = ImageIO.Load(Path.Combine(src, "IMG_0001.jpg"));

        var summary = await ArchiveAsync(src, dst);
        Assert.Equal((1L, 0L), (summary.Images, summary.KeptOriginal));
        var entry = Manifest(dst, "IMG_0001.jpg");
        output.WriteLine($"IMG_0001.jpg {entry.SourceSize} bytes ({original.Metadata!.Bytes} of metadata) -> {entry.OutputSize} bytes of .hific with the metadata section");
        var restoredDir = Path.Combine(temp.Path, "restored");
        await ArchiveRunner.RestoreAsync(dst, restoredDir, models, modelInstances: 1);

        var png = Path.Combine(restoredDir, "IMG_0001.jpg.png");
        var back = ImageIO.Load(png);
        Assert.Equal(original.Metadata, back.Metadata);
        Assert.Equal((192, 256), (back.Rgb.Width, back.Rgb.Height)); // upright, and not turned again on load
    }

    [ExiftoolFact]
    public async Task Exiftool_reads_camera_date_gps_xmp_iptc_and_the_display_p3_profile_from_the_restored_png()
    {
        var src = temp.Sub("photos");
        var dst = temp.Sub("archive");
        File.WriteAllBytes(Path.Combine(src, "IMG_0002.jpg"), CameraFiles.Jpeg(256, 192, quality: 97));
        await ArchiveAsync(src, dst);
        var restoredDir = Path.Combine(temp.Path, "restored");
        await ArchiveRunner.RestoreAsync(dst, restoredDir, models, modelInstances: 1);

        var tags = Exiftool.Read(Path.Combine(restoredDir, "IMG_0002.jpg.png"));
        Assert.Equal("PNG", tags["File:FileType"]);
        Assert.Equal(CameraFiles.Make, tags["IFD0:Make"]);
        Assert.Equal(CameraFiles.Model, tags["IFD0:Model"]);
        Assert.Equal("Horizontal (normal)", tags["IFD0:Orientation"]);
        Assert.Equal(CameraFiles.DateTimeOriginal, tags["ExifIFD:DateTimeOriginal"]);
        Assert.Equal("1/250", tags["ExifIFD:ExposureTime"]);
        Assert.Equal("48 deg 51' 29.58\"", tags["GPS:GPSLatitude"]);
        Assert.Equal("2 deg 17' 40.20\"", tags["GPS:GPSLongitude"]);
        Assert.Equal(CameraFiles.Creator, tags["XMP-dc:Creator"]);
        Assert.Equal("Horizontal (normal)", tags["XMP-tiff:Orientation"]);
        Assert.Equal(CameraFiles.City, tags["IPTC:City"]);
        Assert.Equal(CameraFiles.Keyword, tags["IPTC:Keywords"]);
        Assert.Equal("Display P3", tags["ICC_Profile:ProfileDescription"]);
    }

    [Fact]
    public async Task A_region_of_an_original_comes_back_as_png_and_the_whole_as_its_bytes()
    {
        var src = temp.Sub("photos");
        var dst = temp.Sub("archive");
        var gif = CameraFiles.AnimatedGif(3, size: 64);
        File.WriteAllBytes(Path.Combine(src, "loop.gif"), gif);
        await ArchiveAsync(src, dst);

        await using var cluster = await EmbeddedCluster.StartAsync(models, 1, 1, null, CancellationToken.None);
        var grain = cluster.Grains.GetGrain<IRestoreGrain>(0);
        var whole = await grain.RestoreAsync(new RestoreRequest(dst, "loop.gif"));
        Assert.Equal((true, "image/gif"), (whole.Original, whole.ContentType));
        Assert.Equal(gif, whole.Png);

        var region = await grain.RestoreAsync(new RestoreRequest(dst, "loop.gif", new ImageRegion(8, 16, 20, 10)));
        Assert.Equal((true, "image/png", 20, 10), (region.Original, region.ContentType, region.Width, region.Height));
        var first = ImageIO.Load(new MemoryStream(gif)).Rgb.Crop(new PixelRect(8, 16, 20, 10));
        Assert.Equal(first.Pixels, ImageIO.Load(new MemoryStream(region.Png)).Rgb.Pixels);

        var asPng = await grain.RestoreAsync(new RestoreRequest(dst, "loop.gif", AsPng: true));
        Assert.Equal(("image/png", 64, 64), (asPng.ContentType, asPng.Width, asPng.Height));
    }
}
