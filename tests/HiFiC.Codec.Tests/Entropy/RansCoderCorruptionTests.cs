using HiFiC.Codec.Entropy;

namespace HiFiC.Codec.Tests.Entropy;

/// <summary>Runs against the current (interleaved) layout; <see cref="SingleStateRansCoderCorruptionTests"/> runs the same against format version 1's.</summary>
public class RansCoderCorruptionTests
{
    protected virtual RansStreamLayout Layout => RansStreamLayout.Interleaved;

    private readonly CdfTableSet _tables;
    private readonly int[] _values;
    private readonly int[] _indices;
    private readonly byte[] _stream;

    public RansCoderCorruptionTests()
    {
        var random = new Random(21);
        _tables = GaussianScaleTable.BuildTables(GaussianScaleTable.DefaultScales());
        (_values, _indices) = EntropyTestData.RandomSymbols(random, _tables, 3_000, 0.02);
        _stream = RansCoder.Encode(_values, _indices, _tables, Layout);
    }

    [Fact]
    public void Every_truncation_is_detected()
    {
        for (int length = 0; length < _stream.Length; length++)
        {
            Assert.Throws<EntropyDecodeException>(() => Decode(_stream.AsSpan(0, length)));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(64)]
    public void Appended_bytes_are_detected(int extra)
    {
        byte[] longer = [.. _stream, .. new byte[extra]];

        Assert.Throws<EntropyDecodeException>(() => Decode(longer));
    }

    [Fact]
    public void Streams_that_cannot_hold_a_state_are_rejected()
    {
        Assert.Throws<EntropyDecodeException>(() => Decode([]));
        Assert.Throws<EntropyDecodeException>(() => Decode([0, 0, 0, 0]));
        Assert.Throws<EntropyDecodeException>(() => Decode([1, 0, 0, 0, 0, 0, 0, 0], 0));
        Assert.Throws<EntropyDecodeException>(() => Decode([0, 0, 0, 0x7F]));
    }

    [Fact]
    public void Leftover_state_is_detected_for_an_empty_sequence()
    {
        Assert.Throws<EntropyDecodeException>(() => Decode([1, 0, 0, 0x80], 0));
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0xFF)]
    public void Constant_streams_fail_cleanly(byte fill)
    {
        for (int length = 0; length <= 64; length++)
        {
            byte[] stream = Enumerable.Repeat(fill, length).ToArray();
            DecodeExpectingNothingButDecodeErrors(stream);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Thousands_of_random_mutations_never_crash_or_hang()
    {
        await Task.Run(() =>
        {
            var random = new Random(7);
            int detected = 0;
            for (int trial = 0; trial < 4_000; trial++)
            {
                byte[] mutated = Mutate(random, _stream);
                detected += DecodeExpectingNothingButDecodeErrors(mutated) ? 0 : 1;
            }

            // Most damage must be caught by the end-of-stream checks, not silently accepted.
            Assert.True(detected > 3_000, $"only {detected} of 4000 mutations were detected");
        });
    }

    [Fact]
    public void Random_garbage_never_crashes()
    {
        var random = new Random(8);
        for (int trial = 0; trial < 2_000; trial++)
        {
            var garbage = new byte[random.Next(0, 200) * (random.Next(2) == 0 ? 4 : 1)];
            random.NextBytes(garbage);
            DecodeExpectingNothingButDecodeErrors(garbage);
        }
    }

    [Fact]
    public void Decoding_with_other_table_indices_fails_cleanly()
    {
        int[] shifted = _indices.Select(t => (t + 17) % _tables.Count).ToArray();
        var decoded = new int[_values.Length];

        Assert.Throws<EntropyDecodeException>(() => RansCoder.Decode(_stream, shifted, _tables, decoded, Layout));
    }

    private static byte[] Mutate(Random random, byte[] original)
    {
        byte[] copy = (byte[])original.Clone();
        switch (random.Next(5))
        {
            case 0:
                copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                return copy;
            case 1:
                copy[random.Next(copy.Length)] = (byte)random.Next(256);
                return copy;
            case 2:
                for (int i = random.Next(copy.Length); i < copy.Length && random.Next(8) != 0; i++)
                {
                    copy[i] = (byte)random.Next(256);
                }

                return copy;
            case 3:
                int start = random.Next(copy.Length);
                Array.Clear(copy, start, random.Next(copy.Length - start + 1));
                return copy;
            default:
                int cut = random.Next(copy.Length);
                return [.. copy.AsSpan(0, cut), .. copy.AsSpan(cut + 4 <= copy.Length ? cut + 4 : cut)];
        }
    }

    /// <returns>True when the stream decoded (possibly to wrong values), false when rejected.</returns>
    private bool DecodeExpectingNothingButDecodeErrors(byte[] stream)
    {
        try
        {
            Decode(stream);
            return true;
        }
        catch (EntropyDecodeException)
        {
            return false;
        }
    }

    private void Decode(ReadOnlySpan<byte> stream) => Decode(stream, _values.Length);

    private void Decode(ReadOnlySpan<byte> stream, int count) =>
        RansCoder.Decode(stream, _indices.AsSpan(0, count), _tables, new int[count], Layout);
}

public class SingleStateRansCoderCorruptionTests : RansCoderCorruptionTests
{
    protected override RansStreamLayout Layout => RansStreamLayout.Single;
}
