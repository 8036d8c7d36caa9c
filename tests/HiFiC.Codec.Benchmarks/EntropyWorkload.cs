using HiFiC.Codec.Context;
using HiFiC.Codec.Entropy;
using HiFiC.Codec.Format;
using HiFiC.Codec.Models;

namespace HiFiC.Codec.Benchmarks;

/// <summary>One rANS stream's input: values, a table index per value, and the tables.</summary>
public sealed record EntropyStream(int[] Values, int[] Indices, CdfTableSet Tables);

/// <summary>Streams totalling exactly the requested number of symbols.</summary>
public sealed record EntropyWorkload(string Name, IReadOnlyList<EntropyStream> Streams)
{
    public static EntropyWorkload Load(string name, int symbolCount) => name switch
    {
        "synthetic" => Synthetic(symbolCount),
        "lite-flower" => RealLatentWorkload.Load(name, "lite-227db2c6-flower.hific", "hific-lite", symbolCount),
        // The golden file the shipped hific-lite-ctx wrote (found by its digest, so a new export with its golden file keeps this working).
        "lite-ctx-flower" => RealLatentWorkload.Load(name, RealLatentWorkload.GoldenFileOf("hific-lite-ctx", "B01_flower"), "hific-lite-ctx", symbolCount),
        _ => throw new ArgumentException($"unknown workload '{name}'", nameof(name)),
    };

    private static EntropyWorkload Synthetic(int symbolCount)
    {
        var (values, indices, tables) = EntropyCoderBenchmark.CreateWorkload(symbolCount);
        return new EntropyWorkload("synthetic", [new EntropyStream(values, indices, tables)]);
    }
}

/// <summary>
/// The streams a model really codes for the sample photo B01_flower: the golden file the model
/// wrote (tests/golden) is decoded to its symbols and table indices, and every stream of every
/// tile, z, y (hific-lite) or y's slices (hific-lite-ctx; one stream of them all for a single-stream
/// model, as its files hold), is taken in file order, cycling over
/// the tiles until the count is reached (the last stream is cut there); a count of 0 gives every
/// stream of the file once.
/// </summary>
public static class RealLatentWorkload
{
    /// <summary>
    /// The golden file (tests/golden/golden.json) that the shipped model <paramref name="model"/> wrote of
    /// the photo: its tables decode no other model's file (the lite-ctx workload crashed on a retired
    /// version's file once the model was re-exported).
    /// </summary>
    public static string GoldenFileOf(string model, string photo)
    {
        string root = FindRoot();
        using var card = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "models", model, "model.json")));
        string digest = card.RootElement.GetProperty("digest").GetString()!;
        using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "tests", "golden", "golden.json")));
        foreach (var entry in manifest.RootElement.EnumerateArray())
        {
            string file = entry.GetProperty("file").GetString()!;
            if (entry.GetProperty("digest").GetString() == digest && file.Contains(photo.Split('_')[^1], StringComparison.Ordinal))
                return file;
        }
        throw new FileNotFoundException($"no golden file of {photo} written by {model} {digest[..8]} (record one: HIFIC_GOLDEN_RECORD=1, GoldenFileTests)");
    }

    public static EntropyWorkload Load(string name, string goldenFile, string model, int symbolCount)
    {
        string root = FindRoot();
        var tables = EntropyTables.FromBytes(File.ReadAllBytes(Path.Combine(root, "models", model, "tables.bin")));
        var hyper = tables.Hyper ?? throw new InvalidDataException($"{model} has legacy tables");
        using var reader = HificReader.Open(File.ReadAllBytes(Path.Combine(root, "tests", "golden", goldenFile)));
        var layout = RansStreamLayouts.ForFormatVersion(reader.FormatVersion);
        var h = reader.Header;
        var tiles = new Coding.TileLayout(h.Width, h.Height, h.TileSize);
        var perTile = new List<EntropyStream>();
        for (int k = 0; k < tiles.Count; k++)
        {
            var lc = tiles.LatentCore(k);
            var payload = reader.ReadTile(k);
            int zc = hyper.HyperLatentChannels, zh = lc.Height / 4, zw = lc.Width / 4;
            var zIndices = Coding.LatentStreamDecoder.ChannelIndices(zc, zh * zw);
            var z = new int[zIndices.Length];
            RansCoder.Decode(payload.Z, zIndices, tables.Z, z, layout);
            perTile.Add(new EntropyStream(z, zIndices, tables.Z));
            if (tables.Context is { } context)
            {
                var (means, scaleAcc) = hyper.DecodeAccumulators(z, zc, zh, zw, 1);
                var latent = ContextSliceCoder.Decode(context, tables.Y, payload.Y, means, scaleAcc, lc.Height, lc.Width, 1, layout);
                int plane = lc.Height * lc.Width;
                var slices = new List<EntropyStream>();
                for (int s = 0; s < context.Config.Slices; s++)
                {
                    var members = context.Config.SliceMembers(s);
                    var values = new int[members.Length * plane];
                    var indices = new int[values.Length];
                    for (int j = 0; j < members.Length; j++)
                    {
                        Array.Copy(latent.Symbols, members[j] * plane, values, j * plane, plane);
                        Array.Copy(latent.Indices, members[j] * plane, indices, j * plane, plane);
                    }
                    slices.Add(new EntropyStream(values, indices, tables.Y));
                }
                if (context.Config.SingleStream)
                    perTile.Add(new EntropyStream(slices.SelectMany(s => s.Values).ToArray(), slices.SelectMany(s => s.Indices).ToArray(), tables.Y));
                else perTile.AddRange(slices);
            }
            else
            {
                var output = hyper.Decode(z, zc, zh, zw, 1);
                var y = new int[output.Indices.Length];
                RansCoder.Decode(payload.Y, output.Indices, tables.Y, y, layout);
                perTile.Add(new EntropyStream(y, output.Indices, tables.Y));
            }
        }

        if (symbolCount <= 0)
            return new EntropyWorkload(name, perTile);
        var streams = new List<EntropyStream>();
        int total = 0;
        for (int k = 0; total < symbolCount; k = (k + 1) % perTile.Count)
        {
            var s = perTile[k];
            int take = Math.Min(s.Values.Length, symbolCount - total);
            streams.Add(take == s.Values.Length ? s : new EntropyStream(s.Values[..take], s.Indices[..take], s.Tables));
            total += take;
        }
        return new EntropyWorkload(name, streams);
    }

    /// <summary>The repository root: the first folder above the working directory or the binary with models/ and tests/golden.</summary>
    private static string FindRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (Directory.Exists(Path.Combine(dir.FullName, "models")) && Directory.Exists(Path.Combine(dir.FullName, "tests", "golden")))
                    return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("run the benchmarks inside the repository (models/ and tests/golden are needed)");
    }
}
