using HiFiC.Codec.Entropy;
using HiFiC.Codec.Format;

namespace HiFiC.Codec.Context;

/// <summary>A tile's y under a context model: symbols, the means y-hat is built on and the table indices, all [C][h][w].</summary>
public sealed record ContextLatent(int[] Symbols, double[] Means, int[] Indices, byte[] Payload);

/// <summary>
/// Codes y slice by slice with an <see cref="IntegerChannelContext"/>: slice s's means and scale
/// indices come from the hyperprior and the y-hat of slices 0..s-1, so the decoder must finish
/// one slice before it can start the next (within a slice every pixel is independent, and the
/// networks split their work over threads without changing a bit). Each slice is one stream of
/// the rANS coder (interleaved from format version 2 on, like every other stream); y's payload is the slices in order, each but the last preceded by
/// its length as a LEB128 varint (the last runs to the payload's end).
/// </summary>
public static class ContextSliceCoder
{
    public static ContextLatent Encode(IntegerChannelContext context, CdfTableSet yTables, float[] y, double[] hyperMeans, int[] hyperScaleAcc,
        int h, int w, int maxThreads, RansStreamLayout layout = RansStreamLayouts.Current)
    {
        var config = context.Config;
        int plane = h * w, cs = config.SliceChannels, n = config.LatentChannels * plane;
        if (y.Length != n || hyperMeans.Length != n || hyperScaleAcc.Length != n) throw new ArgumentException("latent sizes do not match the context model");
        var symbols = new int[n];
        var means = new double[n];
        var indices = new int[n];
        var yHat = new double[n];
        using var payload = new MemoryStream();
        Span<byte> varint = stackalloc byte[HificVarint.MaxBytes];
        for (int s = 0; s < config.Slices; s++)
        {
            var p = context.Slice(s, hyperMeans, hyperScaleAcc, yHat, h, w, maxThreads);
            var members = config.SliceMembers(s);
            var sliceSymbols = new int[cs * plane];
            for (int j = 0; j < cs; j++)
            {
                int c = members[j];
                for (int q = 0; q < plane; q++)
                {
                    int i = j * plane + q, e = c * plane + q;
                    double mean = p.Means[i];
                    int symbol = (int)Math.Round(y[e] - mean, MidpointRounding.ToEven);
                    sliceSymbols[i] = symbol;
                    symbols[e] = symbol; means[e] = mean; indices[e] = p.Indices[i];
                    yHat[e] = symbol + mean;
                }
            }
            var stream = RansCoder.Encode(sliceSymbols, p.Indices, yTables, layout);
            if (s < config.Slices - 1) payload.Write(varint[..HificVarint.Write(varint, (uint)stream.Length)]);
            payload.Write(stream);
        }
        return new ContextLatent(symbols, means, indices, payload.ToArray());
    }

    /// <exception cref="EntropyDecodeException">The payload is corrupt or was coded otherwise.</exception>
    public static ContextLatent Decode(IntegerChannelContext context, CdfTableSet yTables, byte[] payload, double[] hyperMeans, int[] hyperScaleAcc,
        int h, int w, int maxThreads, RansStreamLayout layout = RansStreamLayouts.Current)
    {
        var config = context.Config;
        int plane = h * w, cs = config.SliceChannels, n = config.LatentChannels * plane;
        if (hyperMeans.Length != n || hyperScaleAcc.Length != n) throw new ArgumentException("latent sizes do not match the context model");
        var symbols = new int[n];
        var means = new double[n];
        var indices = new int[n];
        var yHat = new double[n];
        int at = 0;
        for (int s = 0; s < config.Slices; s++)
        {
            int length;
            if (s < config.Slices - 1)
            {
                int used = HificVarint.TryRead(payload.AsSpan(at), out uint value);
                if (used <= 0 || value > payload.Length - at - used)
                    throw new EntropyDecodeException($"y payload: slice {s}'s length is missing or runs past the payload");
                at += used;
                length = (int)value;
            }
            else length = payload.Length - at;
            var p = context.Slice(s, hyperMeans, hyperScaleAcc, yHat, h, w, maxThreads);
            var sliceSymbols = new int[cs * plane];
            RansCoder.Decode(payload.AsSpan(at, length), p.Indices, yTables, sliceSymbols, layout);
            at += length;
            var members = config.SliceMembers(s);
            for (int j = 0; j < cs; j++)
            {
                int c = members[j];
                for (int q = 0; q < plane; q++)
                {
                    int i = j * plane + q, e = c * plane + q;
                    symbols[e] = sliceSymbols[i]; means[e] = p.Means[i]; indices[e] = p.Indices[i];
                    yHat[e] = sliceSymbols[i] + p.Means[i];
                }
            }
        }
        return new ContextLatent(symbols, means, indices, payload);
    }
}
