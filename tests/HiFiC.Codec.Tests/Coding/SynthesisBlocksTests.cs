using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;

namespace HiFiC.Codec.Tests.Coding;

public class SynthesisBlocksTests
{
    [Fact]
    public void An_image_that_fits_the_limit_is_one_block_and_synthesised_once()
    {
        var layout = new TileLayout(1134, 756, 512); // the flower: 3x2 tiles on a 1152x768 canvas
        var blocks = SynthesisBlocks.For(layout, latentMargin: 4, HificDecoder.DefaultMaxSynthesisPixels);
        Assert.Equal(1, blocks.Count);
        Assert.Equal(1152L * 768, blocks.SynthesisedPixels);
        Assert.Equal(new PixelRect(0, 0, 72, 48), blocks.LatentCore(0));
    }

    [Fact]
    public void Below_one_tiles_area_every_tile_is_its_own_block_as_before()
    {
        var layout = new TileLayout(1134, 756, 512);
        var blocks = SynthesisBlocks.For(layout, 4, maxPixels: 1);
        Assert.Equal(layout.Count, blocks.Count);
        // Per tile: its core grown by 4 latents (64 px), clipped to the canvas.
        long expected = (576L + 640 + 192) * (576 + 320);
        Assert.Equal(expected, blocks.SynthesisedPixels);
        for (int t = 0; t < layout.Count; t++) Assert.Equal(layout.LatentCore(t), blocks.LatentCore(blocks.BlockOf(t)));
    }

    [Theory]
    [InlineData(8661, 5774, 512, 2L << 20)]
    [InlineData(4000, 3000, 512, 1L << 20)]
    [InlineData(3000, 200, 64, 300_000)]
    public void Blocks_cover_every_tile_once_stay_within_the_limit_and_do_less_work_than_single_tiles(int w, int h, int tile, long limit)
    {
        var layout = new TileLayout(w, h, tile);
        var blocks = SynthesisBlocks.For(layout, 4, limit);
        var single = SynthesisBlocks.For(layout, 4, 1);
        Assert.True(blocks.SynthesisedPixels < single.SynthesisedPixels);
        var covered = new long[layout.LatentCanvasWidth * layout.LatentCanvasHeight];
        for (int b = 0; b < blocks.Count; b++)
        {
            var core = blocks.LatentCore(b);
            var grown = TileLayout.Grow(core, 4, layout.LatentCanvasWidth, layout.LatentCanvasHeight);
            Assert.True(grown.Area * 256 <= limit, $"block {b} synthesises {grown.Area * 256} px");
            for (int y = core.Y; y < core.Bottom; y++)
                for (int x = core.X; x < core.Right; x++) covered[y * layout.LatentCanvasWidth + x]++;
        }
        Assert.All(covered, c => Assert.Equal(1, c));
        for (int t = 0; t < layout.Count; t++) Assert.True(blocks.LatentCore(blocks.BlockOf(t)).Contains(layout.LatentCore(t)));
    }

    [Fact]
    public void With_several_blocks_a_region_decodes_to_the_same_pixels_as_the_whole_image()
    {
        var img = TestModels.Photo(200, 150);
        var ms = new MemoryStream();
        new HificEncoder(TestModels.Tiny).Compress(TestModels.Loaded(img), ms, new CompressOptions { TileSize = 64 });
        var file = ms.ToArray();
        // The 4x3 grid of 64 px tiles (256x192 canvas) with 64 px margins: at most 192x192 px a pass makes two
        // blocks of 2x3 tiles, whose border (x = 128) the first region crosses.
        var decoder = new HificDecoder(TestModels.Tiny) { MaxSynthesisPixels = 192 * 192 };
        var blocks = SynthesisBlocks.For(new TileLayout(200, 150, 64), decoder.LatentMargin, decoder.MaxSynthesisPixels);
        Assert.Equal((2, 3, 2), (blocks.TilesWide, blocks.TilesHigh, blocks.Count));
        var whole = decoder.Decompress(new MemoryStream(file)).Image;
        foreach (var region in new[] { new PixelRect(70, 30, 90, 100), new PixelRect(0, 0, 10, 10), new PixelRect(130, 120, 70, 30) })
            Assert.Equal(whole.Crop(region).Pixels, decoder.Decompress(new MemoryStream(file), region).Image.Pixels);
    }

    [Fact]
    public void Larger_blocks_keep_the_latents_and_change_pixels_only_slightly()
    {
        var img = TestModels.Photo(200, 150);
        var ms = new MemoryStream();
        var encoded = new HificEncoder(TestModels.Tiny).Compress(TestModels.Loaded(img), ms, new CompressOptions { TileSize = 64 });
        var file = ms.ToArray();
        var perTile = new HificDecoder(TestModels.Tiny) { MaxSynthesisPixels = 1 }.Decompress(new MemoryStream(file));
        var oneBlock = new HificDecoder(TestModels.Tiny).Decompress(new MemoryStream(file));
        Assert.Equal(encoded.LatentHash, perTile.LatentHash);
        Assert.Equal(encoded.LatentHash, oneBlock.LatentHash);
        Assert.True(Psnr(perTile.Image, oneBlock.Image) > 40, "the 4-latent margin already hides the tile borders");
    }

    private static double Psnr(RgbImage a, RgbImage b)
    {
        double se = 0;
        for (int i = 0; i < a.Pixels.Length; i++) { double d = a.Pixels[i] - b.Pixels[i]; se += d * d; }
        double mse = se / a.Pixels.Length;
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255 * 255 / mse);
    }
}
