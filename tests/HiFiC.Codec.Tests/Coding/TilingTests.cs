using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Metrics;

namespace HiFiC.Codec.Tests.Coding;

public class TilingTests
{
    private static RgbImage RoundTrip(RgbImage img, int tile)
    {
        var ms = new MemoryStream();
        new HificEncoder(TestModels.Tiny).Compress(TestModels.Loaded(img), ms, new CompressOptions { TileSize = tile });
        ms.Position = 0;
        return new HificDecoder(TestModels.Tiny).Decompress(ms).Image;
    }

    [Fact]
    public void Tiled_coding_matches_whole_image_coding_closely_and_shows_no_seams()
    {
        var img = TestModels.Photo(256, 192, seed: 11);
        var whole = RoundTrip(img, 256);
        var tiled = RoundTrip(img, 64);
        // Per-tile hyper-latents shift the quantisation grid a little (mu differs), so tiled and
        // whole decodes are two equally good quantisations: equal quality, no seams.
        double qualityGap = Psnr.Compute(img, tiled) - Psnr.Compute(img, whole);
        Assert.InRange(qualityGap, -0.5, 0.5);
        double seam = SeamMetric.BorderToInteriorRatio(tiled, 64) / SeamMetric.BorderToInteriorRatio(whole, 64);
        Assert.True(seam is > 0.9 and < 1.1, $"seam ratio {seam:F3}, tiled vs whole {Psnr.Compute(whole, tiled):F2} dB, gap {qualityGap:F3} dB");
    }

    [Fact]
    public void Layout_covers_the_canvas_with_tiles_in_raster_order()
    {
        var layout = new TileLayout(1000, 700, 512);
        Assert.Equal((1024, 704), (layout.CanvasWidth, layout.CanvasHeight));
        Assert.Equal((2, 2), (layout.TilesX, layout.TilesY));
        Assert.Equal(new PixelRect(512, 512, 512, 192), layout.Core(3));
        Assert.Equal(new[] { 0, 1 }, layout.TilesMeeting(new PixelRect(500, 10, 20, 20)));
    }

    [Fact]
    public void Seam_metric_sees_a_hard_tile_border()
    {
        var img = TestModels.Photo(128, 128, seed: 2);
        var seamy = new RgbImage(128, 128, (byte[])img.Pixels.Clone());
        for (int y = 0; y < 128; y++)
            for (int x = 64; x < 128; x++)
                seamy.Pixels[(y * 128 + x) * 3] = (byte)Math.Min(255, seamy.Pixels[(y * 128 + x) * 3] + 40);
        Assert.True(SeamMetric.BorderToInteriorRatio(seamy, 64) > 1.5 * SeamMetric.BorderToInteriorRatio(img, 64));
    }
}
