using HiFiC.Codec.Context;
using HiFiC.Codec.Entropy;
using HiFiC.Codec.Format;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Codec.Coding;

/// <summary>The symbols and streams of one tile's latent.</summary>
public sealed record EncodedLatent(byte[] ZStream, byte[] YStream, int[] ZSymbols, int[] YSymbols, double EstimatedBits)
{
    /// <summary>How refinement chose this latent (null when the tile was not refined).</summary>
    public RefineOutcome? Refinement { get; init; }
}

/// <summary>
/// The integer path of the mean-scale hyperprior at inference: symbols round(z) and
/// round(y - mu), entropy-coded with the model's stored tables. Encoder and decoder derive the
/// means and the scale-table indices through <see cref="HyperDecode"/> and nowhere else: the
/// model's integer hyper-synthesis (<see cref="IntegerHyper.IntegerHyperprior"/>), whose results are
/// the same bits on every machine, or for legacy models (tables version 1) the float path they
/// were written with.
/// </summary>
public sealed class LatentCodec : IDisposable
{
    private readonly HificModel model;
    private readonly EntropyTables tables;
    private readonly Device device;
    // Legacy models only: a float64 copy of the scale hyper-synthesis, which makes an index flip
    // between machines rare (sigma within an ulp of a boundary) but not impossible.
    private readonly HyperSynthesis? legacyScaleSynthesis;

    public LatentCodec(CodecModel codecModel)
    {
        model = codecModel.Network;
        tables = codecModel.Tables;
        device = codecModel.Device;
        if (tables.Z.Count != model.Preset.HyperLatentChannels)
            throw new InvalidDataException($"Entropy tables have {tables.Z.Count} z tables; the {model.Preset.Name} preset has {model.Preset.HyperLatentChannels} z channels.");
        if (tables.Hyper is null) legacyScaleSynthesis = CopyAsDouble(model.Hyperprior.ScaleSynthesis, model.Preset);
        else if (tables.Hyper.LatentChannels != model.Preset.LatentChannels)
            throw new InvalidDataException($"The integer hyper-synthesis gives {tables.Hyper.LatentChannels} channels; the {model.Preset.Name} preset has {model.Preset.LatentChannels}.");
    }

    /// <summary>On the CPU whatever the network's device: GPUs are slow at float64 and this is the legacy path.</summary>
    private static HyperSynthesis CopyAsDouble(HyperSynthesis source, HificPreset preset)
    {
        var copy = new HyperSynthesis(preset);
        copy.load_state_dict(source.state_dict());
        copy.to(ScalarType.Float64);
        copy.eval();
        return copy;
    }

    /// <summary>Encodes a gain-scaled latent y ([1,C,h,w], h and w multiples of 4).</summary>
    public EncodedLatent Encode(Tensor y)
    {
        var encoded = Encode(y, null, out var yHat);
        yHat.Dispose();
        return encoded;
    }

    /// <summary>
    /// Encodes y with the given z symbols (refined ones; null = round(h_a(y))) and also returns the
    /// y-hat the decoder will reconstruct from the streams ([1,C,h,w] float32, on the CPU), so an
    /// encoder can judge what it writes without decoding it.
    /// </summary>
    public (EncodedLatent Encoded, Tensor YHat) EncodeWithReconstruction(Tensor y, Tensor? zSymbols)
    {
        var encoded = Encode(y, zSymbols, out var yHat);
        return (encoded, yHat);
    }

    private EncodedLatent Encode(Tensor y, Tensor? zGiven, out Tensor yHatOut)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (channels, h, w) = Shape(y);
        var z = zGiven?.round() ?? model.Hyperprior.Analysis.forward(y).round();
        if (z.shape[2] * 4 != h || z.shape[3] * 4 != w || z.shape[1] != model.Preset.HyperLatentChannels)
            throw new ArgumentException($"z [{string.Join(",", z.shape)}] does not fit y [{string.Join(",", y.shape)}]");
        var zSymbols = ToInt(z);
        var (zc, zh, zw) = Shape(z);
        var yValues = y.to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        int[] ySymbols;
        byte[] yStream;
        Hyper hyper;
        if (tables.Context is { } context)
        {
            // Slice by slice: each slice's means and indices depend on the earlier slices' y-hat.
            var (hyperMeans, scaleAcc) = tables.Hyper!.DecodeAccumulators(zSymbols, zc, zh, zw, HyperThreads);
            var latent = ContextSliceCoder.Encode(context, tables.Y, yValues, hyperMeans, scaleAcc, h, w, HyperThreads);
            (ySymbols, yStream, hyper) = (latent.Symbols, latent.Payload, new Hyper(latent.Means, latent.Indices, null));
        }
        else
        {
            hyper = HyperDecode(zSymbols, zc, zh, zw);
            ySymbols = new int[yValues.Length];
            for (int i = 0; i < ySymbols.Length; i++) ySymbols[i] = (int)Math.Round(yValues[i] - hyper.Means[i], MidpointRounding.ToEven);
            yStream = RansCoder.Encode(ySymbols, hyper.Indices, tables.Y);
        }
        var zStream = RansCoder.Encode(zSymbols, LatentStreamDecoder.ChannelIndices(zc, zh * zw), tables.Z);

        // The size estimate: y under the Gaussians it is coded with (the table scale of each
        // element; legacy: the continuous sigma) and z under its density. Floored at the coder's
        // smallest probability, 2^-16: the tables give every symbol at least that, so an
        // improbable symbol costs at most 16 bits (plus its escape payload beyond a table's range).
        double floor = 1.0 / EntropyConstants.CdfTotal;
        long[] shape = [1, channels, h, w];
        var mean = tensor(hyper.Means, shape);
        var scale = hyper.ContinuousScale ?? tensor(hyper.Indices.Select(k => (double)tables.Scales[k]).ToArray(), shape);
        var symbols = tensor(ySymbols, shape).to(ScalarType.Float64);
        var yLik = GaussianConditional.Likelihood(symbols + mean, mean, scale).clamp_min(floor);
        var zLik = model.Hyperprior.ZDensity.forward(z).clamp_min(floor).cpu();
        double bits = -yLik.log2().sum().item<double>() - zLik.log2().sum().to(ScalarType.Float64).item<double>();
        // Values beyond a table's range also spend their escape payload.
        for (int i = 0; i < ySymbols.Length; i++) bits += tables.Y[hyper.Indices[i]].EscapePayloadBits(ySymbols[i]);
        for (int i = 0; i < zSymbols.Length; i++) bits += tables.Z[i / (zh * zw)].EscapePayloadBits(zSymbols[i]);
        // y-hat = symbol + mean in double, then one rounding to float, as Decode does.
        var yHat = new float[ySymbols.Length];
        for (int i = 0; i < yHat.Length; i++) yHat[i] = (float)(ySymbols[i] + hyper.Means[i]);
        yHatOut = tensor(yHat, [1, channels, h, w]).MoveToOuterDisposeScope();
        return new EncodedLatent(zStream, yStream, zSymbols, ySymbols, bits);
    }

    /// <summary>Decodes one tile's streams back to the gain-scaled y-hat ([1,C,h,w], float32).</summary>
    /// <param name="layout">The rANS layout of the file the streams come from (<see cref="HificReader.StreamLayout"/>); new streams are <see cref="RansStreamLayouts.Current"/>.</param>
    public (Tensor YHat, int[] ZSymbols, int[] YSymbols) Decode(byte[] zStream, byte[] yStream, int latentHeight, int latentWidth,
        RansStreamLayout layout = RansStreamLayouts.Current)
    {
        int zc = model.Preset.HyperLatentChannels, zh = latentHeight / 4, zw = latentWidth / 4;
        int[] zSymbols, ySymbols;
        double[] means;
        if (tables.Hyper is not null)
        {
            var latent = LatentStreamDecoder.Decode(tables, zStream, yStream, latentHeight, latentWidth, HyperThreads, layout);
            (zSymbols, ySymbols, means) = (latent.ZSymbols, latent.YSymbols, latent.Means);
        }
        else
        {
            // The legacy float path makes tensors: free them here (callers need not hold a scope).
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            zSymbols = new int[zc * zh * zw];
            RansCoder.Decode(zStream, LatentStreamDecoder.ChannelIndices(zc, zh * zw), tables.Z, zSymbols, layout);
            var hyper = HyperDecode(zSymbols, zc, zh, zw);
            ySymbols = new int[hyper.Indices.Length];
            RansCoder.Decode(yStream, hyper.Indices, tables.Y, ySymbols, layout);
            means = hyper.Means;
        }
        // y-hat = symbol + mean in double, then one rounding to float: the same bits everywhere.
        var yHat = new float[ySymbols.Length];
        for (int i = 0; i < yHat.Length; i++) yHat[i] = (float)(ySymbols[i] + means[i]);
        return (tensor(yHat, [1, model.Preset.LatentChannels, latentHeight, latentWidth]), zSymbols, ySymbols);
    }

    private sealed record Hyper(double[] Means, int[] Indices, Tensor? ContinuousScale);

    /// <summary>
    /// THE place that turns z symbols into means and scale-table indices, for encoder and
    /// decoder alike (the integer decode path reaches the same code through <see cref="LatentStreamDecoder"/>).
    /// </summary>
    private Hyper HyperDecode(int[] zSymbols, int zc, int zh, int zw)
    {
        if (tables.Hyper is { } integer)
        {
            var output = integer.Decode(zSymbols, zc, zh, zw, HyperThreads);
            return new Hyper(output.Means, output.Indices, null);
        }
        var zHat = tensor(zSymbols, [1, zc, zh, zw]).to(ScalarType.Float64);
        var mean = model.Hyperprior.MeanSynthesis.forward(zHat.to(ScalarType.Float32).to(device)).to(ScalarType.Float64).cpu();
        var scale = GaussianConditional.ScaleFromRaw(legacyScaleSynthesis!.forward(zHat));
        var sigmas = scale.to(ScalarType.Float32).contiguous().data<float>().ToArray();
        var indices = new int[sigmas.Length];
        var boundaries = tables.IndexBoundaries;
        for (int i = 0; i < sigmas.Length; i++) indices[i] = GaussianScaleTable.IndexOf(sigmas[i], boundaries);
        return new Hyper(mean.contiguous().data<double>().ToArray(), indices, scale);
    }

    /// <summary>Threads for the integer hyper-synthesis: as many as torch's intra-op pool (never changes a bit).</summary>
    private static int HyperThreads => Math.Max(1, torch.get_num_threads());

    private static int[] ToInt(Tensor t) => t.to(ScalarType.Int32).cpu().contiguous().data<int>().ToArray();

    private static (int C, int H, int W) Shape(Tensor t) => ((int)t.shape[1], (int)t.shape[2], (int)t.shape[3]);

    public void Dispose()
    {
        legacyScaleSynthesis?.Dispose();
    }
}
