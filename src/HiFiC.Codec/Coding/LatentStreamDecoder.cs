using HiFiC.Codec.Context;
using HiFiC.Codec.Entropy;
using HiFiC.Codec.IntegerHyper;
using HiFiC.Codec.Models;

namespace HiFiC.Codec.Coding;

/// <summary>One tile's latent as the decoder reads it: symbols and the means y-hat is built on.</summary>
public sealed record DecodedLatent(int[] ZSymbols, int[] YSymbols, double[] Means);

/// <summary>
/// Streams to symbols with no floating point and no TorchSharp: z through the factorized tables,
/// the integer hyper-synthesis for y's means and table indices, then y. This is everything a
/// .hific tile's bytes go through before the generator, so it is also what the fuzzer drives.
/// Models with a channel context (tables version 3) decode y slice by slice (<see cref="ContextSliceCoder"/>).
/// </summary>
public static class LatentStreamDecoder
{
    /// <param name="layout">The rANS layout of the file the streams come from (<see cref="HiFiC.Codec.Format.HificReader.StreamLayout"/>).</param>
    public static DecodedLatent Decode(EntropyTables tables, byte[] zStream, byte[] yStream, int latentHeight, int latentWidth, int maxThreads = 1,
        RansStreamLayout layout = RansStreamLayouts.Current)
    {
        var hyper = tables.Hyper ?? throw new InvalidOperationException("These are legacy tables without an integer hyper-synthesis.");
        if (latentHeight <= 0 || latentWidth <= 0 || latentHeight % 4 != 0 || latentWidth % 4 != 0)
            throw new ArgumentException($"Latent size {latentHeight}x{latentWidth} must be positive multiples of 4.");
        int zc = hyper.HyperLatentChannels, zh = latentHeight / 4, zw = latentWidth / 4;
        var zSymbols = new int[zc * zh * zw];
        RansCoder.Decode(zStream, ChannelIndices(zc, zh * zw), tables.Z, zSymbols, layout);
        if (tables.Context is { } context)
        {
            var (hyperMeans, scaleAcc) = hyper.DecodeAccumulators(zSymbols, zc, zh, zw, maxThreads);
            var latent = ContextSliceCoder.Decode(context, tables.Y, yStream, hyperMeans, scaleAcc, latentHeight, latentWidth, maxThreads, layout);
            return new DecodedLatent(zSymbols, latent.Symbols, latent.Means);
        }
        var output = hyper.Decode(zSymbols, zc, zh, zw, maxThreads);
        var ySymbols = new int[output.Indices.Length];
        RansCoder.Decode(yStream, output.Indices, tables.Y, ySymbols, layout);
        return new DecodedLatent(zSymbols, ySymbols, output.Means);
    }

    /// <summary>Table index per z element: z channel c uses table c.</summary>
    public static int[] ChannelIndices(int channels, int perChannel)
    {
        var result = new int[channels * perChannel];
        for (int c = 0; c < channels; c++) Array.Fill(result, c, c * perChannel, perChannel);
        return result;
    }
}
