using HiFiC.Codec.Coding;
using HiFiC.Codec.Context;
using HiFiC.Codec.Entropy;
using HiFiC.Codec.IntegerHyper;
using HiFiC.Codec.Models;
using HiFiC.Codec.Tests.Coding;
using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Codec.Tests.Context;

/// <summary>
/// The channel-conditional context model's integer path: what both sides compute must be the same
/// bits on every machine, thread count and SIMD width, it must follow the float network it was
/// quantized from, and files must round-trip through the real encoder and decoder.
/// </summary>
public class ChannelContextTests
{
    private static readonly Dictionary<(bool, bool), Lazy<(CodecModel Model, ChannelContextModel Float, List<(Tensor Y, Tensor Mean, Tensor Raw)> Calibration)>> contexts = new()
    {
        [(false, false)] = new(() => Build(false, false)),
        [(true, false)] = new(() => Build(true, false)),
        [(true, true)] = new(() => Build(true, true)),
    };

    /// <summary>Each slice in two checkerboard phases (<see cref="CheckerboardContextTests"/> runs every test so).</summary>
    protected virtual bool Checkerboard => false;

    /// <summary>y in one rANS stream per tile (<see cref="SingleStreamContextTests"/> runs every test so).</summary>
    protected virtual bool SingleStream => false;

    private (CodecModel Model, ChannelContextModel Float, List<(Tensor Y, Tensor Mean, Tensor Raw)> Calibration) context => contexts[(Checkerboard, SingleStream)].Value;

    /// <summary>A tiny model with a 2-slice context whose last layers are random (an untrained one would be the hyperprior exactly).</summary>
    private static (CodecModel, ChannelContextModel, List<(Tensor, Tensor, Tensor)>) Build(bool checkerboard, bool singleStream)
    {
        var tiny = TestModels.Tiny;
        var channels = tiny.Preset.LatentChannels;
        random.manual_seed(5);
        var model = new ChannelContextModel(new ChannelContextConfig(channels, 2, 8, Enumerable.Range(0, channels).Reverse().ToArray(), checkerboard, singleStream));
        using (no_grad())
            for (int s = 0; s < model.Config.Networks; s++)
            {
                var (w, b) = model.Convolutions(s)[^1];
                w.normal_(0, 0.05); b.normal_(0, 0.05);
            }
        var calibration = new List<(Tensor, Tensor, Tensor)>();
        using (no_grad())
        {
            var x = HiFiC.Codec.Imaging.TensorImage.ToTensor(TestModels.Photo(128, 128, seed: 4), new HiFiC.Codec.Imaging.PixelRect(0, 0, 128, 128));
            var y = tiny.Network.Analyze(x) * tiny.Network.Gains.Gain(1);
            var z = tiny.Network.Hyperprior.Analysis.forward(y).round();
            calibration.Add((y, tiny.Network.Hyperprior.MeanSynthesis.forward(z), tiny.Network.Hyperprior.ScaleSynthesis.forward(z)));
        }
        var integer = IntegerChannelContextBuilder.Build(model, tiny.Tables, calibration);
        return (tiny.WithContext(integer, singleStream ? "tiny-ctx-one" : checkerboard ? "tiny-ctx-cb" : "tiny-ctx"), model, calibration);
    }

    private CodecModel Model => context.Model;
    private IntegerChannelContext Integer => Model.Tables.Context!;

    protected IntegerChannelContext ContextModel => Integer;
    protected CdfTableSet TablesY => Model.Tables.Y;
    protected (float[] Y, double[] Means, int[] Acc, int H, int W) LatentFor(int seed, int h = 8, int w = 12) => Latent(seed, h, w);

    private (float[] Y, double[] Means, int[] Acc, int H, int W) Latent(int seed, int h = 8, int w = 12)
    {
        var rng = new Random(seed);
        int c = Integer.Config.LatentChannels;
        var z = Enumerable.Range(0, Model.Preset.HyperLatentChannels * (h / 4) * (w / 4)).Select(_ => rng.Next(-3, 4)).ToArray();
        var (means, acc) = Model.Tables.Hyper!.DecodeAccumulators(z, Model.Preset.HyperLatentChannels, h / 4, w / 4, 1);
        var y = means.Select(m => (float)(m + rng.NextDouble() * 6 - 3)).ToArray();
        return (y, means, acc, h, w);
    }

    [Fact]
    public void Tables_with_a_context_survive_serialization_and_older_versions_still_read()
    {
        var bytes = Model.Tables.ToBytes();
        var copy = EntropyTables.FromBytes(bytes);
        Assert.NotNull(copy.Context);
        Assert.Equal(bytes, copy.ToBytes());
        Assert.Null(EntropyTables.FromBytes(TestModels.Tiny.Tables.ToBytes()).Context);
        Assert.NotEqual(TestModels.Tiny.Digest, Model.Digest);
        Assert.Equal(Checkerboard, copy.Context!.Config.Checkerboard);
        Assert.Equal(SingleStream, copy.Context.Config.SingleStream);
        Assert.Equal(Checkerboard ? 4 : 2, copy.Context.Networks.Count);
    }

    [Fact]
    public void Thread_count_and_simd_width_do_not_change_a_bit()
    {
        var (y, means, acc, h, w) = Latent(1);
        var reference = ContextSliceCoder.Encode(Integer, Model.Tables.Y, y, means, acc, h, w, maxThreads: 1);
        foreach (var threads in new[] { 2, 4 })
        {
            var other = ContextSliceCoder.Encode(Integer, Model.Tables.Y, y, means, acc, h, w, threads);
            Assert.Equal(reference.Payload, other.Payload);
            Assert.Equal(reference.Means, other.Means);
        }
        try
        {
            IntegerConvLayer.ScalarOnly = true;
            var scalar = ContextSliceCoder.Encode(Integer, Model.Tables.Y, y, means, acc, h, w, maxThreads: 2);
            Assert.Equal(reference.Payload, scalar.Payload);
            Assert.Equal(reference.Indices, scalar.Indices);
        }
        finally { IntegerConvLayer.ScalarOnly = false; }
    }

    /// <summary>8x12 latents: every stream under the interleaving threshold; 32x32: over it, in both layouts.</summary>
    [Theory]
    [InlineData(8, 12, RansStreamLayout.Interleaved)]
    [InlineData(32, 32, RansStreamLayout.Interleaved)]
    [InlineData(32, 32, RansStreamLayout.Single)]
    public void Decoding_gives_back_the_symbols_and_means_the_encoder_used(int h, int w, RansStreamLayout layout)
    {
        var (y, means, acc, _, _) = Latent(2, h, w);
        var encoded = ContextSliceCoder.Encode(Integer, Model.Tables.Y, y, means, acc, h, w, maxThreads: 2, layout);
        var decoded = ContextSliceCoder.Decode(Integer, Model.Tables.Y, encoded.Payload, means, acc, h, w, maxThreads: 1, layout);
        Assert.Equal(encoded.Symbols, decoded.Symbols);
        Assert.Equal(encoded.Means, decoded.Means);
        Assert.Equal(encoded.Indices, decoded.Indices);
        // The context changes the parameters (it is not the hyperprior in disguise).
        Assert.NotEqual(means, encoded.Means);
    }

    [Fact]
    public void The_integer_networks_follow_the_float_ones()
    {
        var (_, floatModel, calibration) = context;
        var (y, mean, raw) = calibration[0];
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var p = floatModel.Forward(y, mean, raw);
        // The integer path on the same hyper outputs (rounded as the float model rounds its inputs).
        int c = (int)y.shape[1], h = (int)y.shape[2], w = (int)y.shape[3];
        var yValues = y.contiguous().data<float>().ToArray();
        var means = mean.to(ScalarType.Float64).contiguous().data<double>().ToArray();
        var units = Integer.HyperScaleUnits;
        var rawValues = raw.to(ScalarType.Float64).contiguous().data<double>().ToArray();
        var acc = rawValues.Select((r, i) => (int)Math.Round(r / units[i / (h * w)])).ToArray();
        var encoded = ContextSliceCoder.Encode(Integer, Model.Tables.Y, yValues, means, acc, h, w, 2);
        var floatMeans = p.Mean.to(ScalarType.Float64).contiguous().data<double>().ToArray();
        double worst = floatMeans.Zip(encoded.Means).Max(t => Math.Abs(t.First - t.Second));
        Assert.True(worst < 0.05, $"means differ by up to {worst}");
        var sigma = p.Scale.contiguous().data<float>().ToArray();
        var floatIndices = sigma.Select(s => GaussianScaleTable.IndexOf(s, Model.Tables.IndexBoundaries)).ToArray();
        double agree = floatIndices.Zip(encoded.Indices).Count(t => t.First == t.Second) / (double)sigma.Length;
        Assert.True(agree > 0.95, $"only {agree:P1} of indices agree");
    }

    [Fact]
    public void A_damaged_payload_is_an_entropy_decode_error()
    {
        var (y, means, acc, h, w) = Latent(3);
        var encoded = ContextSliceCoder.Encode(Integer, Model.Tables.Y, y, means, acc, h, w, 1);
        Assert.Throws<EntropyDecodeException>(() => ContextSliceCoder.Decode(Integer, Model.Tables.Y, [], means, acc, h, w, 1));
        Assert.Throws<EntropyDecodeException>(() => ContextSliceCoder.Decode(Integer, Model.Tables.Y, [0xFF, 0xFF, 0xFF], means, acc, h, w, 1));
        var truncated = encoded.Payload[..(encoded.Payload.Length / 2)];
        Assert.ThrowsAny<IOException>(() => ContextSliceCoder.Decode(Integer, Model.Tables.Y, truncated, means, acc, h, w, 1));
    }

    [Fact]
    public void An_image_round_trips_through_the_codec_and_only_its_own_model_decodes_it()
    {
        var image = TestModels.Loaded(TestModels.Photo(192, 128, seed: 7));
        using var file = new MemoryStream();
        var result = new HificEncoder(Model).Compress(image, file, new CompressOptions { Rate = 1 });
        file.Position = 0;
        var decoded = new HificDecoder(Model).Decompress(file);
        Assert.Equal(result.LatentHash, decoded.LatentHash);
        Assert.Equal(192, decoded.Image.Width);
        // A file of the plain model is refused by the context model and the other way round.
        file.Position = 0;
        Assert.Throws<ModelMismatchException>(() => new HificDecoder(TestModels.Tiny).Decompress(file));
    }

    [Fact]
    public void The_fuzz_decode_target_meets_only_expected_errors_on_mutated_context_files()
    {
        // The decode fuzz target (fuzz/HiFiC.Fuzz) drives LatentStreamDecoder, which takes the
        // slice path for a model with a context: mutations of a valid file (checksums fixed up, so
        // they reach the streams) may only fail the documented ways.
        var model = new HiFiC.Fuzz.FuzzModel(Model.Id, Model.DigestBytes, Model.Tables, Model.Preset.RateLevels);
        using var file = new MemoryStream();
        new HificEncoder(Model).Compress(TestModels.Loaded(TestModels.Photo(128, 128, seed: 8)), file, new CompressOptions { Rate = 0.5, TileSize = 64 });
        var bytes = file.ToArray();
        Assert.Null(HiFiC.Fuzz.FuzzTargets.Run("decode", bytes, model));
        var rng = new Random(11);
        var outcomes = new Dictionary<string, int>();
        for (int i = 0; i < 400; i++)
        {
            var mutated = (byte[])bytes.Clone();
            int flips = 1 + rng.Next(4);
            for (int f = 0; f < flips; f++) mutated[bytes.Length / 3 + rng.Next(bytes.Length - bytes.Length / 3)] ^= (byte)(1 << rng.Next(8));
            var outcome = HiFiC.Fuzz.FuzzTargets.Run("decode", mutated, model) ?? "ok";
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        Assert.True(outcomes.GetValueOrDefault(nameof(EntropyDecodeException)) >= 1, string.Join(", ", outcomes));
    }
}

/// <summary>Every <see cref="ChannelContextTests"/> test with each slice coded in two checkerboard phases.</summary>
public class CheckerboardContextTests : ChannelContextTests
{
    protected override bool Checkerboard => true;

    [Fact]
    public void The_second_phase_sees_the_anchors_and_nothing_else_of_its_slice()
    {
        // Changing a non-anchor y of the last slice changes no parameter of that slice; changing an anchor
        // changes the parameters of some non-anchor next to it (through the second network).
        var (y, means, acc, h, w) = LatentFor(4);
        var reference = ContextSliceCoder.Encode(ContextModel, TablesY, y, means, acc, h, w, 1);
        int plane = h * w, last = ContextModel.Config.SliceMembers(ContextModel.Config.Slices - 1)[0];
        var members = ContextModel.Config.SliceMembers(ContextModel.Config.Slices - 1);
        int nonAnchor = last * plane + 1, anchor = last * plane + w + 1;
        var changed = (float[])y.Clone();
        changed[nonAnchor] += 5;
        var a = ContextSliceCoder.Encode(ContextModel, TablesY, changed, means, acc, h, w, 1);
        foreach (var c in members)
            for (int q = 0; q < plane; q++) Assert.Equal(reference.Means[c * plane + q], a.Means[c * plane + q]);
        changed = (float[])y.Clone();
        changed[anchor] += 5;
        var b = ContextSliceCoder.Encode(ContextModel, TablesY, changed, means, acc, h, w, 1);
        Assert.Contains(members.SelectMany(c => Enumerable.Range(0, plane).Where(q => ChannelContextConfig.InPhase(1, q / w, q % w)).Select(q => c * plane + q)),
            e => reference.Means[e] != b.Means[e] || reference.Indices[e] != b.Indices[e]);
    }
}

/// <summary>Every <see cref="CheckerboardContextTests"/> test with all slices and phases in one rANS stream per tile.</summary>
public class SingleStreamContextTests : CheckerboardContextTests
{
    protected override bool SingleStream => true;

    [Fact]
    public void The_payload_is_one_stream_of_every_phase_in_decode_order_and_smaller_than_one_per_phase()
    {
        var (y, means, acc, h, w) = LatentFor(6, 32, 32);
        var one = ContextSliceCoder.Encode(ContextModel, TablesY, y, means, acc, h, w, 1);
        // The same symbols and tables coded one stream per slice and phase (the first models' layout).
        var perPhase = new IntegerChannelContext(ContextModel.Config with { SingleStream = false }, ContextModel.Networks, ContextModel.OutputUnits,
            ContextModel.HyperScaleUnits, ContextModel.RawThresholds);
        var many = ContextSliceCoder.Encode(perPhase, TablesY, y, means, acc, h, w, 1);
        Assert.Equal(many.Symbols, one.Symbols);
        Assert.Equal(many.Indices, one.Indices);
        Assert.True(one.Payload.Length < many.Payload.Length, $"{one.Payload.Length} bytes in one stream, {many.Payload.Length} in {perPhase.Config.Networks}");
        // Decode order: slice by slice, anchors then the rest, channel then raster order: one RansCoder stream of it.
        var config = ContextModel.Config;
        int plane = h * w;
        var order = new List<int>();
        for (int s = 0; s < config.Slices; s++)
            for (int phase = 0; phase < config.Phases; phase++)
                foreach (var c in config.SliceMembers(s))
                    for (int q = 0; q < plane; q++)
                        if (ChannelContextConfig.InPhase(phase, q / w, q % w)) order.Add(c * plane + q);
        Assert.Equal(RansCoder.Encode(order.Select(e => one.Symbols[e]).ToArray(), order.Select(e => one.Indices[e]).ToArray(), TablesY), one.Payload);
        // Decoding a per-phase payload as one stream (or the other way round) fails cleanly.
        Assert.ThrowsAny<IOException>(() => ContextSliceCoder.Decode(ContextModel, TablesY, many.Payload, means, acc, h, w, 1));
    }
}
