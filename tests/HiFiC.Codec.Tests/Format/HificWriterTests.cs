using HiFiC.Codec.Format;

namespace HiFiC.Codec.Tests.Format;

public class HificWriterTests
{
    [Theory]
    [InlineData(0, 100, 128, "width 0 is invalid")]
    [InlineData(100, 0, 128, "height 0 is invalid")]
    [InlineData(100, 100, 100, "tile size 100 is invalid")]
    public void Invalid_headers_are_argument_errors_naming_the_field(int width, int height, int tileSize, string expected)
    {
        var header = HificSamples.Header(width, height, tileSize);

        var e = Assert.Throws<ArgumentException>(() => HificWriter.WriteToArray(header, []));

        Assert.StartsWith(expected, e.Message);
    }

    [Fact]
    public void Model_id_and_digest_are_checked()
    {
        var header = HificSamples.Header(64, 64, 64);
        HificTilePayload[] tiles = [new([], [])];

        Assert.Contains("model id length 65", Assert.Throws<ArgumentException>(() => HificWriter.WriteToArray(header with { ModelId = new string('x', 65) }, tiles)).Message);
        Assert.Contains("weights digest is 16 bytes", Assert.Throws<ArgumentException>(() => HificWriter.WriteToArray(header with { WeightsDigest = new byte[16] }, tiles)).Message);
    }

    [Fact]
    public void Tile_count_must_match_the_grid()
    {
        var header = HificSamples.Header(300, 200, 128);

        var e = Assert.Throws<ArgumentException>(() => HificWriter.WriteToArray(header, HificSamples.Tiles(header).Take(5).ToList()));

        Assert.StartsWith("expected 6 tile payloads for a 3x2 grid, got 5", e.Message);
    }

    [Fact]
    public void Alpha_must_agree_with_the_header_and_the_image_size()
    {
        var plain = HificSamples.Header(64, 64, 64);
        var withAlpha = plain with { Color = plain.Color with { HasAlpha = true } };
        HificTilePayload[] tiles = [new([], [])];

        Assert.Throws<ArgumentException>(() => HificWriter.WriteToArray(plain, tiles, new byte[64 * 64]));
        Assert.Throws<ArgumentException>(() => HificWriter.WriteToArray(withAlpha, tiles));
        Assert.Contains("alpha plane has 10 bytes", Assert.Throws<ArgumentException>(() => HificWriter.WriteToArray(withAlpha, tiles, new byte[10])).Message);
    }

    [Fact]
    public void A_stream_over_the_per_tile_limit_is_refused()
    {
        var header = HificSamples.Header(64, 64, 64);

        var e = Assert.Throws<ArgumentException>(() => HificWriter.WriteToArray(header, [new([], new byte[20481])]));

        Assert.Contains("over the limit of 20480", e.Message);
    }

    [Fact]
    public void Headers_compare_by_digest_content()
    {
        var a = HificSamples.Header();
        var b = a with { WeightsDigest = (byte[])a.WeightsDigest.Clone() };

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b with { Rate = 0.25f });
    }
}
