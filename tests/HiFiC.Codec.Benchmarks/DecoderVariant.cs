using HiFiC.Codec.Entropy;

namespace HiFiC.Codec.Benchmarks;

/// <summary>
/// The rANS decoders compared side by side: format version 1's single state (Single), and
/// version 2's four interleaved states decoded by the decoder version 2 shipped with
/// (InterleavedBaseline, <see cref="BaselineInterleavedRansDecoder"/>) and by today's
/// (Interleaved). Both interleaved variants read the same bytes.
/// </summary>
public enum DecoderVariant
{
    Single,
    InterleavedBaseline,
    Interleaved,
}

public static class DecoderVariants
{
    public static RansStreamLayout Layout(this DecoderVariant variant) =>
        variant == DecoderVariant.Single ? RansStreamLayout.Single : RansStreamLayout.Interleaved;

    public static void Decode(this DecoderVariant variant, byte[] stream, int[] indices, CdfTableSet tables, int[] values)
    {
        if (variant == DecoderVariant.Single || RansStreamLayouts.LanesFor(RansStreamLayout.Interleaved, values.Length) == 1)
            RansCoder.Decode(stream, indices, tables, values, variant.Layout());
        else if (variant == DecoderVariant.InterleavedBaseline)
            BaselineInterleavedRansDecoder.Decode(stream, indices, tables.DecodeTables, values);
        else
            RansCoder.Decode(stream, indices, tables, values, RansStreamLayout.Interleaved);
    }
}
