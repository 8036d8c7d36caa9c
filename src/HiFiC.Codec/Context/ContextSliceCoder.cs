using System.Runtime.InteropServices;
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
/// the rANS coder (interleaved from format version 2 on, like every other stream; with a checkerboard: two streams, the anchors' then the rest's, each in the
/// slice's channel order then raster order); y's payload is the streams in order, each but the
/// last preceded by its length as a LEB128 varint (the last runs to the payload's end).
/// A <see cref="ChannelContextConfig.SingleStream"/> model codes the same symbols in the same order
/// into ONE stream (the payload, no lengths): the encoder knows every phase's tables before it
/// codes (rANS codes last symbol first), and the decoder reads the stream phase by phase
/// (<see cref="ResumableRansDecoder"/>), so a tile pays one set of final states instead of one per
/// slice and phase.
/// </summary>
public static class ContextSliceCoder
{
    /// <summary>Slice-local element indices (channel j * plane + position) coded in one phase, in stream order.</summary>
    private static int[] PhaseElements(ChannelContextConfig config, int phase, int h, int w)
    {
        int plane = h * w, cs = config.SliceChannels;
        var list = new List<int>(config.Phases == 1 ? cs * plane : cs * (plane + 1) / 2);
        for (int j = 0; j < cs; j++)
            for (int q = 0; q < plane; q++)
                if (config.Phases == 1 || ChannelContextConfig.InPhase(phase, q / w, q % w)) list.Add(j * plane + q);
        return list.ToArray();
    }

    public static ContextLatent Encode(IntegerChannelContext context, CdfTableSet yTables, float[] y, double[] hyperMeans, int[] hyperScaleAcc,
        int h, int w, int maxThreads, RansStreamLayout layout = RansStreamLayouts.Current)
    {
        var config = context.Config;
        int plane = h * w, n = config.LatentChannels * plane;
        if (y.Length != n || hyperMeans.Length != n || hyperScaleAcc.Length != n) throw new ArgumentException("latent sizes do not match the context model");
        var symbols = new int[n];
        var means = new double[n];
        var indices = new int[n];
        var yHat = new double[n];
        using var payload = new MemoryStream();
        Span<byte> varint = stackalloc byte[HificVarint.MaxBytes];
        var elements = Enumerable.Range(0, config.Phases).Select(ph => PhaseElements(config, ph, h, w)).ToArray();
        // Single stream: every phase's symbols and indices, in decode order, coded once at the end.
        var allSymbols = config.SingleStream ? new List<int>(n) : null;
        var allIndices = config.SingleStream ? new List<int>(n) : null;
        for (int s = 0; s < config.Slices; s++)
        {
            var members = config.SliceMembers(s);
            for (int phase = 0; phase < config.Phases; phase++)
            {
                var p = context.Phase(s, phase, hyperMeans, hyperScaleAcc, yHat, h, w, maxThreads);
                var coded = elements[phase];
                var streamSymbols = new int[coded.Length];
                var streamIndices = new int[coded.Length];
                for (int k = 0; k < coded.Length; k++)
                {
                    int i = coded[k], e = members[i / plane] * plane + i % plane;
                    double mean = p.Means[i];
                    int symbol = (int)Math.Round(y[e] - mean, MidpointRounding.ToEven);
                    streamSymbols[k] = symbol; streamIndices[k] = p.Indices[i];
                    symbols[e] = symbol; means[e] = mean; indices[e] = p.Indices[i];
                    yHat[e] = symbol + mean;
                }
                if (allSymbols is not null)
                {
                    allSymbols.AddRange(streamSymbols); allIndices!.AddRange(streamIndices);
                    continue;
                }
                var stream = RansCoder.Encode(streamSymbols, streamIndices, yTables, layout);
                if (s * config.Phases + phase < config.Networks - 1) payload.Write(varint[..HificVarint.Write(varint, (uint)stream.Length)]);
                payload.Write(stream);
            }
        }
        if (allSymbols is not null)
            return new ContextLatent(symbols, means, indices, RansCoder.Encode(CollectionsMarshal.AsSpan(allSymbols), CollectionsMarshal.AsSpan(allIndices), yTables, layout));
        return new ContextLatent(symbols, means, indices, payload.ToArray());
    }

    /// <exception cref="EntropyDecodeException">The payload is corrupt or was coded otherwise.</exception>
    public static ContextLatent Decode(IntegerChannelContext context, CdfTableSet yTables, byte[] payload, double[] hyperMeans, int[] hyperScaleAcc,
        int h, int w, int maxThreads, RansStreamLayout layout = RansStreamLayouts.Current)
    {
        var config = context.Config;
        int plane = h * w, n = config.LatentChannels * plane;
        if (hyperMeans.Length != n || hyperScaleAcc.Length != n) throw new ArgumentException("latent sizes do not match the context model");
        var symbols = new int[n];
        var means = new double[n];
        var indices = new int[n];
        var yHat = new double[n];
        var elements = Enumerable.Range(0, config.Phases).Select(ph => PhaseElements(config, ph, h, w)).ToArray();
        var single = config.SingleStream
            ? new ResumableRansDecoder(payload, yTables, config.Slices * elements.Sum(e => e.Length), layout)
            : null;
        int at = 0;
        for (int s = 0; s < config.Slices; s++)
        {
            var members = config.SliceMembers(s);
            for (int phase = 0; phase < config.Phases; phase++)
            {
                int stream = s * config.Phases + phase, length;
                if (single is not null) length = 0;
                else if (stream < config.Networks - 1)
                {
                    int used = HificVarint.TryRead(payload.AsSpan(at), out uint value);
                    if (used <= 0 || value > payload.Length - at - used)
                        throw new EntropyDecodeException($"y payload: stream {stream}'s length is missing or runs past the payload");
                    at += used;
                    length = (int)value;
                }
                else length = payload.Length - at;
                var p = context.Phase(s, phase, hyperMeans, hyperScaleAcc, yHat, h, w, maxThreads);
                var coded = elements[phase];
                var streamIndices = new int[coded.Length];
                for (int k = 0; k < coded.Length; k++) streamIndices[k] = p.Indices[coded[k]];
                var streamSymbols = new int[coded.Length];
                if (single is not null) single.Next(streamIndices, streamSymbols);
                else RansCoder.Decode(payload.AsSpan(at, length), streamIndices, yTables, streamSymbols, layout);
                at += length;
                for (int k = 0; k < coded.Length; k++)
                {
                    int i = coded[k], e = members[i / plane] * plane + i % plane;
                    symbols[e] = streamSymbols[k]; means[e] = p.Means[i]; indices[e] = p.Indices[i];
                    yHat[e] = streamSymbols[k] + p.Means[i];
                }
            }
        }
        single?.Finish();
        return new ContextLatent(symbols, means, indices, payload);
    }
}
