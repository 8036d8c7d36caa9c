using HiFiC.Codec.Imaging;

namespace HiFiC.Codec.Tests.Imaging;

public class RgbImageTests
{
    [Fact]
    public void Constructor_RejectsWrongBufferLengthAndEmptySize()
    {
        Assert.Throws<ArgumentException>(() => new RgbImage(2, 2, new byte[11]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RgbImage(0, 5));
        Assert.Equal(2 * 3 * 3, new RgbImage(2, 3).Pixels.Length);
    }

    [Fact]
    public void Crop_CopiesTheRegion()
    {
        var img = TestImages.Random(7, 5, seed: 1);
        var crop = img.Crop(new PixelRect(2, 1, 3, 2));
        Assert.Equal((3, 2), (crop.Width, crop.Height));
        for (int y = 0; y < 2; y++)
            Assert.Equal(img.Pixels.AsSpan(((1 + y) * 7 + 2) * 3, 9).ToArray(), crop.Row(y).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => img.Crop(new PixelRect(5, 0, 3, 1)));
    }

    [Fact]
    public void PixelRect_Geometry()
    {
        var r = new PixelRect(-2, 3, 10, 4);
        Assert.Equal((8, 7), (r.Right, r.Bottom));
        Assert.Equal(new PixelRect(0, 3, 8, 4), r.Intersect(new PixelRect(0, 0, 100, 100)));
        Assert.True(r.Intersect(new PixelRect(50, 50, 1, 1)).IsEmpty);
        Assert.True(r.Contains(-2, 3));
        Assert.False(r.Contains(8, 3));
        Assert.True(r.Contains(new PixelRect(0, 4, 8, 3)));
        Assert.False(r.Contains(new PixelRect(0, 4, 9, 3)));
        Assert.Equal(new PixelRect(-3, 2, 12, 6), r.Inflate(1));
        Assert.Equal(40L, r.Area);
    }
}
