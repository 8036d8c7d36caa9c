using HiFiC.Codec.Coding;
using HiFiC.Codec.Entropy;
using HiFiC.Codec.IntegerHyper;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;
using HiFiC.Codec.Tests.Coding;
using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Codec.Tests.IntegerHyper;

public class IntegerHyperpriorTests
{
    private static IntegerHyperprior Hyper => TestModels.Tiny.Tables.Hyper!;

    private static int[] RandomZ(Random rng, int count, int spread) => Enumerable.Range(0, count).Select(_ => rng.Next(-spread, spread + 1)).ToArray();

    [Fact]
    public void New_models_carry_an_integer_hyper_synthesis_that_survives_serialization()
    {
        var tables = TestModels.Tiny.Tables;
        Assert.NotNull(tables.Hyper);
        var copy = EntropyTables.FromBytes(tables.ToBytes());
        Assert.Equal(tables.ToBytes(), copy.ToBytes());
        var z = RandomZ(new Random(1), 8 * 3 * 5, 4);
        var a = tables.Hyper!.Decode(z, 8, 3, 5);
        var b = copy.Hyper!.Decode(z, 8, 3, 5);
        Assert.Equal(a.Indices, b.Indices);
        Assert.Equal(a.Means, b.Means);
    }

    [Fact]
    public void It_follows_the_float_network_closely()
    {
        // Same z through the float64 hyper-synthesis and the integer one: indices agree almost
        // everywhere (a mismatch only costs rate) and means agree to a small fraction of a step.
        var model = TestModels.Tiny;
        var sample = IntegerHyperpriorBuilder.CalibrationLatents(model.Network, [TestModels.Photo(256, 256, seed: 9)])[1];
        var z = sample.Symbols;
        var output = Hyper.Decode(z, 8, 4, 4);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var zt = tensor(z, [1, 8, 4, 4]).to(ScalarType.Float32);
        var mean = model.Network.Hyperprior.MeanSynthesis.forward(zt).to(ScalarType.Float64).data<double>().ToArray();
        var sigma = GaussianConditional.ScaleFromRaw(model.Network.Hyperprior.ScaleSynthesis.forward(zt)).data<float>().ToArray();
        var floatIndices = sigma.Select(s => GaussianScaleTable.IndexOf(s, model.Tables.IndexBoundaries)).ToArray();
        double agree = floatIndices.Zip(output.Indices).Count(p => p.First == p.Second) / (double)floatIndices.Length;
        Assert.True(agree > 0.97, $"only {agree:P1} of indices agree");
        Assert.True(floatIndices.Zip(output.Indices).All(p => Math.Abs(p.First - p.Second) <= 1));
        double worst = mean.Zip(output.Means).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(worst < 0.02, $"means differ by up to {worst}");
    }

    [Fact]
    public void Thread_count_does_not_change_a_bit()
    {
        var z = RandomZ(new Random(3), 8 * 6 * 5, 6);
        var one = Hyper.Decode(z, 8, 6, 5, maxThreads: 1);
        var two = Hyper.Decode(z, 8, 6, 5, maxThreads: 2);
        var four = Hyper.Decode(z, 8, 6, 5, maxThreads: 4);
        Assert.Equal(one.Indices, two.Indices);
        Assert.Equal(one.Indices, four.Indices);
        Assert.Equal(one.Means, two.Means);
        Assert.Equal(one.Means, four.Means);
    }

    [Fact]
    public void Extreme_z_values_give_valid_indices_and_finite_means_the_same_way_every_time()
    {
        // What a hostile or corrupt stream can feed the hyper-synthesis: z far beyond int16.
        int[] extremes = [int.MinValue, int.MaxValue, -1_000_000, 1_000_000, -32768, 32767, 0];
        var rng = new Random(7);
        var z = Enumerable.Range(0, 8 * 3 * 3).Select(_ => extremes[rng.Next(extremes.Length)]).ToArray();
        var a = Hyper.Decode(z, 8, 3, 3, maxThreads: 2);
        var b = Hyper.Decode(z, 8, 3, 3, maxThreads: 1);
        Assert.Equal(a.Indices, b.Indices);
        Assert.Equal(a.Means, b.Means);
        Assert.All(a.Indices, k => Assert.InRange(k, 0, TestModels.Tiny.Tables.Scales.Length - 1));
        Assert.All(a.Means, m => Assert.True(double.IsFinite(m)));
    }

    [Fact]
    public void A_thousand_random_latents_decode_exactly()
    {
        var tables = TestModels.Tiny.Tables;
        var rng = new Random(4);
        for (int n = 0; n < 1000; n++)
        {
            int lh = 4 * rng.Next(1, 4), lw = 4 * rng.Next(1, 4);
            int zCount = 8 * (lh / 4) * (lw / 4);
            // Mostly small values, sometimes far ones (escapes) in both z and y.
            var z = Enumerable.Range(0, zCount).Select(_ => rng.Next(100) == 0 ? rng.Next(-3000, 3001) : rng.Next(-4, 5)).ToArray();
            var hyper = tables.Hyper!.Decode(z, 8, lh / 4, lw / 4);
            var y = hyper.Indices.Select(k => rng.Next(200) == 0 ? rng.Next(-5000, 5001) : (int)Math.Round(NextGaussian(rng) * tables.Scales[k])).ToArray();
            var zStream = RansCoder.Encode(z, LatentStreamDecoder.ChannelIndices(8, zCount / 8), tables.Z);
            var yStream = RansCoder.Encode(y, hyper.Indices, tables.Y);
            var decoded = LatentStreamDecoder.Decode(tables, zStream, yStream, lh, lw, maxThreads: 1 + n % 2);
            Assert.Equal(z, decoded.ZSymbols);
            Assert.Equal(y, decoded.YSymbols);
            Assert.Equal(hyper.Means, decoded.Means);
        }
    }

    [Fact]
    public void Last_bit_noise_in_every_float_network_does_not_change_what_the_decoder_reads()
    {
        // A model of its own (this test mutates weights). Encode, then put last-bit noise into every
        // float parameter: the float hyper-synthesis, the encoder, the generator. The indices and
        // means come from the stored integer network, so the decoder reads exactly the encoder's
        // latents and y-hat is bit-identical.
        using var model = TestModels.Create(HificPreset.Tiny, 11, "perturbed");
        var image = TestModels.Photo(128, 128, seed: 5);
        var file = new MemoryStream();
        var encoded = new HificEncoder(model).Compress(TestModels.Loaded(image), file, new CompressOptions { TileSize = 64 });
        var codec = new LatentCodec(model);
        var before = DecodeAllTiles(codec, file.ToArray());

        var rng = new Random(6);
        using (no_grad())
            foreach (var p in model.Network.parameters())
            {
                using var noise = (rand(p.shape, dtype: p.dtype) - 0.5) * 2 * Math.Pow(2, -23);
                p.mul_(noise + 1);
            }
        var after = DecodeAllTiles(new LatentCodec(model), file.ToArray());
        Assert.Equal(before, after);
        var decoded = new HificDecoder(model).Decompress(new MemoryStream(file.ToArray()));
        Assert.Equal(encoded.LatentHash, decoded.LatentHash);
    }

    private static List<float[]> DecodeAllTiles(LatentCodec codec, byte[] file)
    {
        using var reader = HiFiC.Codec.Format.HificReader.Open(new MemoryStream(file));
        var result = new List<float[]>();
        for (int t = 0; t < reader.Tiles.Count; t++)
        {
            var tile = reader.ReadTile(t);
            var (yHat, _, _) = codec.Decode(tile.Z, tile.Y, 4, 4);
            using (yHat) result.Add(yHat.data<float>().ToArray());
        }
        return result;
    }

    private static double NextGaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
