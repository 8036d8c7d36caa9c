namespace HiFiC.Codec.Entropy;

/// <summary>
/// One quantised distribution over the values Offset .. Offset + SymbolCount - 2, plus a final
/// escape symbol for every value outside that range.
/// </summary>
public sealed class CdfTable
{
    private readonly int[] _cdf;

    /// <param name="cdf">Already validated: starts at 0, ends at 2^16, strictly increasing.</param>
    internal CdfTable(int offset, int[] cdf)
    {
        Offset = offset;
        _cdf = cdf;
        EscapeSymbol = cdf.Length - 2;
        Buckets = BuildBuckets(cdf);
    }

    /// <summary>The value coded as symbol 0.</summary>
    public int Offset { get; }

    /// <summary>Number of symbols, including the escape symbol, which is the last one.</summary>
    public int SymbolCount => _cdf.Length - 1;

    /// <summary>Length SymbolCount + 1; Cdf[0] = 0, Cdf[^1] = 2^16, strictly increasing.</summary>
    public ReadOnlySpan<int> Cdf => _cdf;

    /// <summary>Also the number of directly coded values.</summary>
    internal int EscapeSymbol { get; }

    internal int[] CdfArray => _cdf;

    /// <summary>
    /// For each run of 2^BucketShift slots, the symbol owning its first slot; the decoder steps
    /// forward from there through the CDF. A full slot -> symbol map (128 KB per table) was tried
    /// first: 64 of them overflow the L2 cache, and decoding the benchmark mix ran at 15 M
    /// symbols/s against 55-85 M with these. At 2 KB per table they are cheap enough to build
    /// eagerly, which keeps the decoder's hot loop free of lazy-initialisation calls.
    /// </summary>
    internal ushort[] Buckets { get; }

    internal const int BucketShift = 6;

    private static ushort[] BuildBuckets(int[] cdf)
    {
        var buckets = new ushort[EntropyConstants.CdfTotal >> BucketShift];
        int symbol = 0;
        for (int b = 0; b < buckets.Length; b++)
        {
            while (cdf[symbol + 1] <= b << BucketShift)
            {
                symbol++;
            }

            buckets[b] = (ushort)symbol;
        }

        return buckets;
    }

    /// <summary>Bits an escaped value spends after its escape symbol (0 when the value is in range).</summary>
    public int EscapePayloadBits(int value)
    {
        long k = (long)value - Offset;
        if ((ulong)k < (ulong)EscapeSymbol) return 0;
        long distance = k < 0 ? -k : k - EscapeSymbol + 1;
        return EscapeCode.PayloadBits((int)Math.Min(distance, EntropyConstants.MaxEscapeMagnitude));
    }
}
