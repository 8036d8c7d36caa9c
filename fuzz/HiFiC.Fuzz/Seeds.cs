using System.Buffers.Binary;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Entropy;
using HiFiC.Codec.Format;

namespace HiFiC.Fuzz;

/// <summary>
/// Hand-made seeds beside the golden files (`HiFiC.Fuzz seeds DIR`): valid files that reach
/// corners the golden files do not (edge tiles, escapes in z and y, z far outside int16, an unknown optional section,
/// a large tile, grey/16-bit colour info) and a few short broken ones. Streams are coded with the
/// model's own tables, so the decode target gets through them.
/// </summary>
public static class Seeds
{
    public static void Write(string directory, FuzzModel model)
    {
        Directory.CreateDirectory(directory);
        var rng = new Random(7);
        void Save(string name, byte[] bytes) => File.WriteAllBytes(Path.Combine(directory, name), bytes);

        Save("flat-64.hific", Build(model, 64, 64, 64, new HificColorInfo(3, 8, false), (_, _) => 0, (_, _) => 0));
        Save("edge-tiles-grey16.hific", Build(model, 130, 70, 64, new HificColorInfo(1, 16, false), (_, _) => 0, (i, _) => i % 7 - 3));
        Save("escapes.hific", Build(model, 128, 64, 64, new HificColorInfo(3, 8, false),
            (i, _) => i % 3 == 0 ? 5000 - i : i % 2,
            (i, _) => (i % 11) switch { 0 => 1 << 20, 1 => -(1 << 23), 2 => 300, _ => rng.Next(-4, 5) }));
        // z far beyond the tables (escapes of ~2^24): the integer hyper-synthesis clamps its inputs to int16.
        Save("z-extremes.hific", Build(model, 64, 128, 64, new HificColorInfo(3, 8, false),
            (i, _) => (i % 4) switch { 0 => 16_000_000, 1 => -16_000_000, 2 => 40_000, _ => -40_000 }, (i, _) => i % 3 - 1));
        // Streams of at least 1024 symbols are interleaved (format version 2): escapes in every lane.
        Save("escapes-tile256.hific", Build(model, 256, 256, 256, new HificColorInfo(3, 8, false),
            (i, _) => i % 5 - 2, (i, _) => (i % 13) switch { 0 => 1 << 20, 1 => -(1 << 23), 2 => 300, _ => rng.Next(-4, 5) }));
        Save("tile-1024.hific", Build(model, 1024, 1024, 1024, new HificColorInfo(3, 8, false), (_, _) => 0, (_, _) => 0));
        var alpha = new byte[100 * 70];
        for (int i = 0; i < alpha.Length; i++) alpha[i] = (byte)(i % 100 < 50 ? 255 : rng.Next(256));
        var withAlpha = Build(model, 100, 70, 64, new HificColorInfo(3, 8, true), (_, _) => 0, (_, _) => 1, alpha);
        Save("alpha.hific", withAlpha);
        Save("unknown-section.hific", WithUnknownSection(Build(model, 64, 64, 64, new HificColorInfo(3, 8, false), (_, _) => 1, (_, _) => -1)));
        Save("truncated.hific", withAlpha[..(withAlpha.Length / 2)]);
        Save("magic-only.hific", withAlpha[..8]);
    }

    /// <summary>A file whose tiles carry the given z and y symbols (index in the tile, tile index).</summary>
    private static byte[] Build(FuzzModel model, int width, int height, int tileSize, HificColorInfo color,
        Func<int, int, int> z, Func<int, int, int> y, byte[]? alpha = null)
    {
        var hyper = model.Tables.Hyper!;
        var header = new HificHeader(model.Id, model.Digest, width, height, color, 1f, hyper.LatentChannels, hyper.HyperLatentChannels, tileSize);
        var layout = new TileLayout(width, height, tileSize);
        var tiles = new List<HificTilePayload>();
        for (int k = 0; k < layout.Count; k++)
        {
            var lc = layout.LatentCore(k);
            int zc = hyper.HyperLatentChannels, zh = lc.Height / 4, zw = lc.Width / 4;
            var zs = Enumerable.Range(0, zc * zh * zw).Select(i => z(i, k)).ToArray();
            var indices = hyper.Decode(zs, zc, zh, zw, 1).Indices;
            var ys = Enumerable.Range(0, indices.Length).Select(i => y(i, k)).ToArray();
            tiles.Add(new HificTilePayload(
                RansCoder.Encode(zs, LatentStreamDecoder.ChannelIndices(zc, zh * zw), model.Tables.Z),
                RansCoder.Encode(ys, indices, model.Tables.Y)));
        }
        return HificWriter.WriteToArray(header, tiles, alpha);
    }

    /// <summary>Adds an optional section of type 0x1234 (which readers skip) in front of the tiles.</summary>
    private static byte[] WithUnknownSection(byte[] file)
    {
        int n = file[10], countAt = 65 + n, directoryEnd = 66 + n + 10 * file[countAt];
        using var reader = HificReader.Open(file);
        int bodyAt = (int)reader.HeaderLength;
        byte[] body = "a section this build does not know"u8.ToArray();
        var entry = new byte[10];
        BinaryPrimitives.WriteUInt16LittleEndian(entry, 0x1234);
        BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(2), (uint)body.Length);
        var result = file[..directoryEnd].Concat(entry).Concat(file[directoryEnd..bodyAt]).Concat(body).Concat(file[bodyAt..]).ToArray();
        result[countAt]++;
        return FuzzTargets.WithValidChecksums(result);
    }
}
