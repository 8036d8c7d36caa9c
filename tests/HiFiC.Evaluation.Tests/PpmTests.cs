using System.Text;
using HiFiC.Codec.Imaging;
using HiFiC.Evaluation;

namespace HiFiC.Evaluation.Tests;

public sealed class PpmTests : IDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), $"hific-ppm-{Guid.NewGuid():N}.ppm");

    public void Dispose() => File.Delete(path);

    [Fact]
    public void A_first_sample_that_is_a_whitespace_byte_is_read_as_pixel_data()
    {
        // What dwebp wrote for a real image: ImageSharp's PBM decoder skips this 0x20 and shifts every pixel.
        var image = new RgbImage(2, 1, [0x20, 0x0A, 0x09, 200, 100, 50]);
        Ppm.Write(path, image);
        Assert.Equal(image.Pixels, Ppm.Read(path).Pixels);
    }

    [Fact]
    public void Header_comments_and_any_whitespace_between_tokens_are_accepted()
    {
        File.WriteAllBytes(path, [.. Encoding.ASCII.GetBytes("P6 # made by hand\n 1\t1 \n# maxval next\n255\n"), 32, 33, 34]);
        var image = Ppm.Read(path);
        Assert.Equal((1, 1), (image.Width, image.Height));
        Assert.Equal(new byte[] { 32, 33, 34 }, image.Pixels);
    }

    [Fact]
    public void Sixteen_bit_and_truncated_files_are_refused()
    {
        File.WriteAllBytes(path, [.. Encoding.ASCII.GetBytes("P6\n1 1\n65535\n"), 0, 0, 0, 0, 0, 0]);
        Assert.Throws<InvalidDataException>(() => Ppm.Read(path));
        File.WriteAllBytes(path, [.. Encoding.ASCII.GetBytes("P6\n2 2\n255\n"), 1, 2, 3]);
        Assert.Throws<InvalidDataException>(() => Ppm.Read(path));
    }
}
