using HiFiC.Codec.Imaging;
using HiFiC.Evaluation;

namespace HiFiC.Evaluation.Tests;

public sealed class CropSheetTests
{
    [Fact]
    public void The_crop_is_taken_where_the_image_has_the_most_detail()
    {
        // Flat grey except a noisy 40x40 patch at (100, 20): the 32 px window must lie inside it.
        var image = new RgbImage(160, 80);
        var rng = new Random(3);
        for (int y = 0; y < 80; y++)
            for (int x = 0; x < 160; x++)
                for (int c = 0; c < 3; c++)
                    image.Pixels[(y * 160 + x) * 3 + c] = x is >= 100 and < 140 && y is >= 20 and < 60 ? (byte)rng.Next(256) : (byte)128;

        var crop = CropSheet.DetailWindow(image, 32);

        Assert.Equal((32, 32), (crop.Width, crop.Height));
        Assert.True(new PixelRect(96, 16, 48, 48).Contains(crop), crop.ToString());
    }

    [Fact]
    public void A_crop_larger_than_the_image_is_the_whole_image()
    {
        Assert.Equal(new PixelRect(0, 0, 20, 10), CropSheet.DetailWindow(new RgbImage(20, 10), 256));
    }

    [Fact]
    public void The_crop_image_is_found_by_file_name_with_or_without_extension()
    {
        string[] images = ["/d/a.png", "/d/B02_x.png"];
        Assert.Equal("/d/B02_x.png", CropSheet.ResolveImage(images, "b02_x"));
        Assert.Equal("/d/B02_x.png", CropSheet.ResolveImage(images, "B02_x.png"));
        Assert.Equal("/d/a.png", CropSheet.ResolveImage(images, null));
        Assert.Throws<ArgumentException>(() => CropSheet.ResolveImage(images, "c"));
    }
}
