using HiFiC.Codec.Entropy;
using HiFiC.Codec.Model;
using HiFiC.Codec.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Codec.Coding;

/// <summary>The symbols and streams of one tile's latent.</summary>
public sealed record EncodedLatent(byte[] ZStream, byte[] YStream, int[] ZSymbols, int[] YSymbols, double EstimatedBits);

/// <summary>
/// The integer path of the mean-scale hyperprior at inference: symbols round(z) and
/// round(y - mu), entropy-coded with the model's stored tables. Encoder and decoder derive the
/// means and the scale-table indices through <see cref="HyperDecode"/> and nowhere else, so that
/// making that one method machine-independent (integer arithmetic) fixes both sides at once.
/// </summary>
public sealed class LatentCodec : IDisposable
{
    private readonly HificModel model;
    private readonly EntropyTables tables;
    // A float64 copy of the scale hyper-synthesis: a last-bit difference in sigma flips a scale
    // index only when sigma sits within an ulp of a table boundary, and float64 makes that ~2^29
    // times rarer than float32 across thread counts and BLAS kernels. The means stay float32:
    // the decoder reads the symbols round(y - mu) from the stream, so a last-bit difference in mu
    // moves y-hat by that last bit and nothing else.
    private readonly HyperSynthesis scaleSynthesis;

    public LatentCodec(CodecModel codecModel)
    {
        model = codecModel.Network;
        tables = codecModel.Tables;
        scaleSynthesis = CopyAsDouble(model.Hyperprior.ScaleSynthesis, model.Preset);
        if (tables.Z.Count != model.Preset.HyperLatentChannels)
            throw new InvalidDataException($"Entropy tables have {tables.Z.Count} z tables; the {model.Preset.Name} preset has {model.Preset.HyperLatentChannels} z channels.");
    }

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
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (channels, h, w) = Shape(y);
        var z = model.Hyperprior.Analysis.forward(y).round();
        var zSymbols = ToInt(z);
        var (zc, zh, zw) = Shape(z);
        var (mean, scale, indices) = HyperDecode(zSymbols, zc, zh, zw);
        var yDouble = y.to(ScalarType.Float64);
        var ySymbolsT = (yDouble - mean).round();
        var ySymbols = ToInt(ySymbolsT);

        var zStream = RansCoder.Encode(zSymbols, ChannelIndices(zc, zh * zw), tables.Z);
        var yStream = RansCoder.Encode(ySymbols, indices, tables.Y);

        // The model's own estimate (continuous sigma), to compare against the real stream sizes.
        // Floored at the coder's smallest probability, 2^-16: the tables give every symbol at least
        // that, so an improbable symbol costs at most 16 bits (plus its escape payload beyond a table's
        // range), where the raw likelihood charges up to 30 and overstated some photos' size by 3%.
        double floor = 1.0 / EntropyConstants.CdfTotal;
        var yLik = GaussianConditional.Likelihood(ySymbolsT + mean, mean, scale).clamp_min(floor);
        var zLik = model.Hyperprior.ZDensity.forward(z).clamp_min(floor);
        double bits = -yLik.log2().sum().item<double>() - zLik.log2().sum().to(ScalarType.Float64).item<double>();
        // Values beyond a table's range also spend their escape payload.
        for (int i = 0; i < ySymbols.Length; i++) bits += tables.Y[indices[i]].EscapePayloadBits(ySymbols[i]);
        for (int i = 0; i < zSymbols.Length; i++) bits += tables.Z[i / (zh * zw)].EscapePayloadBits(zSymbols[i]);
        return new EncodedLatent(zStream, yStream, zSymbols, ySymbols, bits);
    }

    /// <summary>Decodes one tile's streams back to the gain-scaled y-hat ([1,C,h,w], float32).</summary>
    public (Tensor YHat, int[] ZSymbols, int[] YSymbols) Decode(byte[] zStream, byte[] yStream, int latentHeight, int latentWidth)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int zc = model.Preset.HyperLatentChannels, zh = latentHeight / 4, zw = latentWidth / 4;
        var zSymbols = new int[zc * zh * zw];
        RansCoder.Decode(zStream, ChannelIndices(zc, zh * zw), tables.Z, zSymbols);
        var (mean, _, indices) = HyperDecode(zSymbols, zc, zh, zw);
        var ySymbols = new int[indices.Length];
        RansCoder.Decode(yStream, indices, tables.Y, ySymbols);
        var symbols = tensor(ySymbols, [1, model.Preset.LatentChannels, latentHeight, latentWidth]).to(ScalarType.Float64);
        var yHat = (symbols + mean).to(ScalarType.Float32);
        return (yHat.MoveToOuterDisposeScope(), zSymbols, ySymbols);
    }

    /// <summary>
    /// THE place that turns z symbols into means and scale-table indices, for encoder and
    /// decoder alike. Returns float64 tensors for mean and scale and the index per y element.
    /// </summary>
    private (Tensor Mean, Tensor Scale, int[] Indices) HyperDecode(int[] zSymbols, int zc, int zh, int zw)
    {
        var zHat = tensor(zSymbols, [1, zc, zh, zw]).to(ScalarType.Float64);
        var mean = model.Hyperprior.MeanSynthesis.forward(zHat.to(ScalarType.Float32)).to(ScalarType.Float64);
        var scale = GaussianConditional.ScaleFromRaw(scaleSynthesis.forward(zHat));
        var sigmas = scale.to(ScalarType.Float32).contiguous().data<float>().ToArray();
        var indices = new int[sigmas.Length];
        var boundaries = tables.IndexBoundaries;
        for (int i = 0; i < sigmas.Length; i++) indices[i] = GaussianScaleTable.IndexOf(sigmas[i], boundaries);
        return (mean, scale, indices);
    }

    private static int[] ChannelIndices(int channels, int perChannel)
    {
        var result = new int[channels * perChannel];
        for (int c = 0; c < channels; c++) Array.Fill(result, c, c * perChannel, perChannel);
        return result;
    }

    private static int[] ToInt(Tensor t) => t.to(ScalarType.Int32).contiguous().data<int>().ToArray();

    private static (int C, int H, int W) Shape(Tensor t) => ((int)t.shape[1], (int)t.shape[2], (int)t.shape[3]);

    public void Dispose()
    {
        scaleSynthesis.Dispose();
    }
}
