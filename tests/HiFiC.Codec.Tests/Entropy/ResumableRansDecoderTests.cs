using HiFiC.Codec.Entropy;

namespace HiFiC.Codec.Tests.Entropy;

/// <summary>
/// <see cref="ResumableRansDecoder"/> reads one stream in parts (a context model's phases): any
/// split must give what <see cref="RansCoder.Decode"/> gives in one go, and garbage must end in an
/// <see cref="EntropyDecodeException"/>.
/// </summary>
public class ResumableRansDecoderTests
{
    private static readonly CdfTableSet Gaussian = GaussianScaleTable.BuildTables(GaussianScaleTable.DefaultScales());

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(1023)]
    [InlineData(1024)]
    [InlineData(1027)]
    [InlineData(20_001)]
    public void Any_split_into_parts_decodes_what_the_whole_stream_holds(int count)
    {
        var random = new Random(count + 1);
        var (values, indices) = EntropyTestData.RandomSymbols(random, Gaussian, count, 0.02);
        foreach (var layout in new[] { RansStreamLayout.Single, RansStreamLayout.Interleaved })
        {
            var stream = RansCoder.Encode(values, indices, Gaussian, layout);
            var decoder = new ResumableRansDecoder(stream, Gaussian, count, layout);
            var decoded = new int[count];
            int at = 0;
            while (at < count)
            {
                // Odd part lengths, so parts start on every lane.
                int part = Math.Min(count - at, 1 + random.Next(3000));
                decoder.Next(indices.AsSpan(at, part), decoded.AsSpan(at, part));
                at += part;
            }
            decoder.Finish();
            Assert.Equal(values, decoded);
        }
    }

    [Fact]
    public void Garbage_truncation_and_a_wrong_count_are_entropy_decode_errors()
    {
        var (values, indices) = EntropyTestData.RandomSymbols(new Random(9), Gaussian, 5000, 0.02);
        var stream = RansCoder.Encode(values, indices, Gaussian);
        var out_ = new int[values.Length];
        Assert.Throws<EntropyDecodeException>(() => new ResumableRansDecoder([], Gaussian, 5000));
        Assert.Throws<EntropyDecodeException>(() => new ResumableRansDecoder([1, 2, 3], Gaussian, 5000));
        Assert.Throws<EntropyDecodeException>(() => Whole(stream[..(stream.Length / 2)], indices, out_));
        // Asking for more symbols than declared, or stopping early, is caught too.
        var decoder = new ResumableRansDecoder(stream, Gaussian, 4000);
        Assert.Throws<EntropyDecodeException>(() => decoder.Next(indices, out_));
        var early = new ResumableRansDecoder(stream, Gaussian, 5000);
        early.Next(indices.AsSpan(0, 100), out_.AsSpan(0, 100));
        Assert.Throws<EntropyDecodeException>(early.Finish);
        var random = new Random(10);
        for (int i = 0; i < 200; i++)
        {
            var damaged = (byte[])stream.Clone();
            damaged[random.Next(damaged.Length)] ^= (byte)(1 << random.Next(8));
            try { Whole(damaged, indices, out_); }
            catch (EntropyDecodeException) { }
        }
    }

    private static void Whole(byte[] stream, int[] indices, int[] values)
    {
        var decoder = new ResumableRansDecoder(stream, Gaussian, values.Length);
        decoder.Next(indices, values);
        decoder.Finish();
    }
}
