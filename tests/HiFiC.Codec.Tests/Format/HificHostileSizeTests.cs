using HiFiC.Codec.Format;

namespace HiFiC.Codec.Tests.Format;

/// <summary>Sizes an attacker controls: pixel counts at the 32-bit edge, and the memory a region read costs.</summary>
public class HificHostileSizeTests
{
    [Theory]
    [InlineData(65536u, 32768u)] // exactly 2^31 pixels: one past int.MaxValue
    [InlineData(131072u, 16384u)] // 2^31 again, the other way round
    [InlineData(131072u, 131072u)] // 2^34: wraps to 0 in 32 bits
    public void A_header_of_2_to_the_31_pixels_or_more_is_refused_as_a_format_error(uint width, uint height)
    {
        // A tile grid that is valid for the size, so the pixel count is the only thing wrong.
        var raw = RawHificFile.WithTiles(width, height, 4096);

        var e = HificSamples.Refused(raw.ToBytes());

        Assert.Contains($"image {width}x{height} has {(long)width * height} pixels, over the limit of {int.MaxValue}", e.Message);
    }

    [Fact]
    public void A_header_of_2_to_the_31_pixels_with_alpha_is_refused_before_any_plane_is_allocated()
    {
        var raw = RawHificFile.WithTiles(65536, 32768, 4096);
        raw.AddAlpha(new byte[16]);
        var file = raw.ToBytes();

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = HificSamples.Refused(file);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("over the limit of", e.Message);
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Limits_above_the_32_bit_pixel_count_cannot_be_configured()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HificLimits { MaxPixels = 1L << 31 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new HificLimits { MaxPixels = 0 });
        Assert.Equal(int.MaxValue, HificLimits.Default.MaxPixels);
    }

    [Fact]
    public void A_region_read_of_the_alpha_allocates_the_region_not_the_plane()
    {
        // 4096x4096 = 16 MiB of alpha; the region is 64x32 = 2 KiB.
        var header = HificSamples.Header(4096, 4096, 4096, alpha: true);
        var plane = new byte[4096 * 4096];
        for (int i = 0; i < plane.Length; i++) plane[i] = (byte)(i % 4096 / 16 + i / 4096 % 7);
        var file = HificWriter.WriteToArray(header, HificSamples.Tiles(header, maxY: 60), plane);
        using var reader = HificReader.Open(file);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var region = reader.ReadAlpha(1000, 2000, 64, 32);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.NotNull(region);
        Assert.Equal(64 * 32, region.Length);
        for (int y = 0; y < 32; y++)
            Assert.Equal(plane.AsSpan((2000 + y) * 4096 + 1000, 64).ToArray(), region.AsSpan(y * 64, 64).ToArray());
        // The compressed section is read whole (it is small); the 16 MiB plane never is.
        Assert.True(allocated < file.Length + (1 << 20), $"allocated {allocated} bytes for a 2 KiB region of a 16 MiB plane");
    }

    [Fact]
    public void A_region_read_of_a_short_plane_is_still_refused()
    {
        var raw = RawHificFile.WithTiles(80, 80, 64);
        raw.AddAlpha(new byte[80 * 80 - 1]);
        using var reader = HificReader.Open(raw.ToBytes());

        var e = Assert.Throws<HificFormatException>(() => reader.ReadAlpha(0, 0, 8, 8));

        Assert.Contains("decompresses to 6399 bytes but the image has 6400 pixels", e.Message);
    }

    [Fact]
    public void A_region_outside_the_image_is_a_caller_error()
    {
        using var reader = HificReader.Open(HificSamples.SmallFileWithAlpha());

        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadAlpha(100, 0, 51, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadAlpha(0, 0, 0, 10));
    }
}
