using HiFiC.Codec.Imaging;
using TorchSharp;

namespace HiFiC.Codec.Tests.Imaging;

public class TensorImageTests
{
    public TensorImageTests() => TestImages.InitTorch();

    [Fact]
    public void ToTensor_IsPlanarUnitRange()
    {
        using var scope = torch.NewDisposeScope();
        var img = TestImages.Random(5, 3, seed: 10);
        var t = TensorImage.ToTensor(img);
        Assert.Equal(new long[] { 1, 3, 3, 5 }, t.shape);
        Assert.Equal(torch.ScalarType.Float32, t.dtype);
        Assert.Equal(img.Pixels[(2 * 5 + 4) * 3 + 1] / 255f, t[0, 1, 2, 4].item<float>());
    }

    [Fact]
    public void ToTensor_ReplicatesEdgesOutsideTheImage()
    {
        using var scope = torch.NewDisposeScope();
        var img = TestImages.Random(3, 2, seed: 11);
        var region = new PixelRect(-2, -1, 7, 4);
        var values = TensorImage.ToTensor(img, region).data<float>().ToArray();
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 4; y++)
                for (int x = 0; x < 7; x++)
                {
                    int sx = Math.Clamp(x - 2, 0, 2), sy = Math.Clamp(y - 1, 0, 1);
                    Assert.Equal(img.Pixels[(sy * 3 + sx) * 3 + c] / 255f, values[(c * 4 + y) * 7 + x]);
                }
    }

    [Fact]
    public void ToTensor_ToImage_RoundTripsExactly()
    {
        using var scope = torch.NewDisposeScope();
        var img = TestImages.Random(37, 23, seed: 12);
        Assert.Equal(img.Pixels, TensorImage.ToImage(TensorImage.ToTensor(img)).Pixels);
        Assert.Equal(img.Pixels, TensorImage.ToImage(TensorImage.ToTensor(img)[0].to_type(torch.ScalarType.Float64)).Pixels);
    }

    [Fact]
    public void LargeImages_AreConvertedBandByBand_Correctly()
    {
        // 1100 x 2000 spans several of the internal row bands in both directions; the reference is
        // built independently with torch ops from the interleaved bytes.
        using var scope = torch.NewDisposeScope();
        var img = TestImages.Random(1100, 2000, seed: 14);
        var reference = torch.tensor(img.Pixels, [2000, 1100, 3]).permute(2, 0, 1).unsqueeze(0).to_type(torch.ScalarType.Float32) / 255f;
        Assert.Equal(0f, (TensorImage.ToTensor(img) - reference).abs().max().item<float>(), 1e-7f);
        Assert.Equal(img.Pixels, TensorImage.ToImage(reference).Pixels);
    }

    [Fact]
    public void CopyToImage_WritesTheSourceRegionAtTheTarget()
    {
        using var scope = torch.NewDisposeScope();
        var img = TestImages.Random(20, 10, seed: 13);
        // A padded tile with a 4-pixel margin, as the tiler builds them; its interior goes back in place.
        var tile = TensorImage.ToTensor(img, new PixelRect(6, 2, 8, 5).Inflate(4));
        var dst = new RgbImage(20, 10);
        TensorImage.CopyToImage(tile, new PixelRect(4, 4, 8, 5), dst, 6, 2);
        Assert.Equal(img.Crop(new PixelRect(6, 2, 8, 5)).Pixels, dst.Crop(new PixelRect(6, 2, 8, 5)).Pixels);
        Assert.All(dst.Crop(new PixelRect(0, 0, 20, 2)).Pixels, v => Assert.Equal(0, v));
        Assert.Throws<ArgumentOutOfRangeException>(() => TensorImage.CopyToImage(tile, new PixelRect(4, 4, 8, 5), dst, 13, 2));
    }

    [Fact]
    public void ToImage_ClampsRoundsAndZeroesNaN()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.tensor(new[] { -0.5f, 1.7f, 0.5f, float.NaN, 10.4f / 255, 10.6f / 255 }, [3, 1, 2]);
        var img = TensorImage.ToImage(t);
        Assert.Equal(new byte[] { 0, 128, 10, 255, 0, 11 }, img.Pixels); // interleaved (R,G,B) per pixel
    }

    [Fact]
    public void ToTensor_ToImage_round_trips_every_pixel_of_a_twelve_megapixel_image()
    {
        // A photo-sized image through the bulk conversion both ways (its speed is in `hific bench`, not asserted here).
        using var scope = torch.NewDisposeScope();
        var img = new RgbImage(4000, 3000);
        for (int i = 0; i < img.Pixels.Length; i++) img.Pixels[i] = (byte)(i * 31 % 251);
        var back = TensorImage.ToImage(TensorImage.ToTensor(img));
        Assert.Equal((img.Width, img.Height), (back.Width, back.Height));
        Assert.True(img.Pixels.AsSpan().SequenceEqual(back.Pixels), "a pixel changed in the round trip");
    }
}
