using System.Buffers.Binary;
using System.IO.Hashing;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Entropy;
using HiFiC.Codec.Format;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;

namespace HiFiC.Fuzz;

/// <summary>The model the decode target checks files against and decodes them with: only what the
/// integer path needs (tables.bin and the card), no weights, no TorchSharp.</summary>
public sealed record FuzzModel(string Id, byte[] Digest, EntropyTables Tables, int RateLevels)
{
    public static FuzzModel Load(string folder)
    {
        var card = ModelCard.FromJson(File.ReadAllText(Path.Combine(folder, CodecModel.CardFile)), folder);
        var tables = EntropyTables.FromBytes(File.ReadAllBytes(Path.Combine(folder, CodecModel.TablesFile)));
        if (tables.Hyper is null)
            throw new InvalidDataException($"{folder}: legacy tables (no integer hyper-synthesis); the decode target needs version 2 tables");
        return new FuzzModel(card.Id, Convert.FromHexString(card.Digest), tables, HificPreset.ByName(card.Preset).RateLevels);
    }
}

/// <summary>
/// The fuzz targets, shared by the AFL driver (Program) and the in-process corpus test
/// (tests/HiFiC.Codec.Tests/Fuzz). A target returns normally, or with the name of an expected
/// exception (the documented ways bad bytes fail); any other exception escapes, which is what
/// AFL records as a crash.
/// </summary>
public static class FuzzTargets
{
    public static readonly string[] Names = ["header", "decode"];

    /// <summary>What bad bytes may legitimately throw: the reader's, the entropy decoder's and a
    /// file made by another model. Caller mistakes (ArgumentException and kin) are not here: the
    /// targets call the API correctly, so one escaping from inside is a bug.</summary>
    public static bool IsExpected(Exception e) => e is HificFormatException or EntropyDecodeException or ModelMismatchException;

    /// <summary>Runs <paramref name="target"/> ("header" or "decode") on one input.</summary>
    /// <returns>null when the input was accepted, else the expected exception's type name.</returns>
    public static string? Run(string target, byte[] input, FuzzModel? model)
    {
        var data = WithValidChecksums(input);
        try
        {
            switch (target)
            {
                case "header": Header(data); break;
                case "decode": Decode(data, model ?? throw new ArgumentNullException(nameof(model), "the decode target needs a model")); break;
                default: throw new ArgumentException($"unknown target '{target}' (known: {string.Join(", ", Names)})", nameof(target));
            }
            return null;
        }
        catch (Exception e) when (IsExpected(e))
        {
            return e.GetType().Name;
        }
    }

    /// <summary>Open, then every tile, the alpha plane and the metadata section, as a reader of the file would.</summary>
    public static void Header(byte[] data)
    {
        using var reader = HificReader.Open(data);
        var h = reader.Header;
        if (reader.Tiles.Count != h.TileCount)
            throw new InvalidOperationException($"reader placed {reader.Tiles.Count} tiles; the header's grid has {h.TileCount}");
        for (int i = 0; i < reader.Tiles.Count; i++)
        {
            h.TileBounds(i);
            reader.ReadTile(i);
        }
        var alpha = reader.ReadAlpha();
        if (alpha is not null && alpha.Length != (long)h.Width * h.Height)
            throw new InvalidOperationException($"alpha plane of {alpha.Length} bytes for {h.Width}x{h.Height}");
        reader.ReadMetadata();
    }

    /// <summary>The model check of HificDecoder.CheckModel, then every tile's latent through
    /// LatentStreamDecoder (rANS z, integer hyper-synthesis, rANS y) exactly as the decoder calls it.</summary>
    public static void Decode(byte[] data, FuzzModel model)
    {
        using var reader = HificReader.Open(data);
        var h = reader.Header;
        CheckModel(h, model);
        var layout = new TileLayout(h.Width, h.Height, h.TileSize);
        if (layout.Count != reader.Tiles.Count)
            throw new InvalidOperationException($"tile layout has {layout.Count} tiles; the reader placed {reader.Tiles.Count}");
        for (int k = 0; k < layout.Count; k++)
        {
            var lc = layout.LatentCore(k);
            var payload = reader.ReadTile(k);
            var latent = LatentStreamDecoder.Decode(model.Tables, payload.Z, payload.Y, lc.Height, lc.Width, maxThreads: 1, reader.StreamLayout);
            if (latent.YSymbols.Length != (long)h.LatentChannels * lc.Height * lc.Width)
                throw new InvalidOperationException($"tile {k}: {latent.YSymbols.Length} y symbols for {h.LatentChannels}x{lc.Height}x{lc.Width}");
        }
    }

    /// <summary>HificDecoder.CheckModel without a CodecModel (that one needs TorchSharp weights).</summary>
    public static void CheckModel(HificHeader header, FuzzModel model)
    {
        if (!header.WeightsDigest.AsSpan().SequenceEqual(model.Digest))
            throw new ModelMismatchException($"File was written by model '{header.ModelId}', not '{model.Id}'.");
        var hyper = model.Tables.Hyper!;
        if (header.LatentChannels != hyper.LatentChannels || header.HyperChannels != hyper.HyperLatentChannels)
            throw new HificFormatException($"File declares {header.LatentChannels}/{header.HyperChannels} latent/hyper channels; model '{model.Id}' has {hyper.LatentChannels}/{hyper.HyperLatentChannels}.");
        // RateGains.InRange's bounds (extrapolated ends included, as HificDecoder accepts them), through its
        // constant only: the harness loads no TorchSharp module type.
        double min = model.RateLevels > 1 ? -HiFiC.Codec.Networks.RateGains.Extrapolation : 0;
        double max = model.RateLevels > 1 ? model.RateLevels - 1 + HiFiC.Codec.Networks.RateGains.Extrapolation : 0;
        if (!(header.Rate >= min && header.Rate <= max))
            throw new HificFormatException($"File's rate {header.Rate} is outside model '{model.Id}''s range {min}..{max}.");
    }

    /// <summary>
    /// A copy of <paramref name="input"/> with every CRC-32 the layout lets us find recomputed (each
    /// section's, each tile's, then the header's), so that mutations get past the checksums to the
    /// code behind them. As far as the bytes do not form a walkable header and index, they are left
    /// as they are (the reader then refuses them for that). A file that is already valid comes back
    /// unchanged.
    /// </summary>
    public static byte[] WithValidChecksums(byte[] input)
    {
        var d = (byte[])input.Clone();
        // Lead (11) + model id (n) + fixed fields (55); see docs/format.md.
        if (d.Length < 11 || d.Length < 11 + d[10] + 55)
            return d;
        int n = d[10];
        uint width = BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(43 + n));
        uint height = BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(47 + n));
        int tile = BinaryPrimitives.ReadUInt16LittleEndian(d.AsSpan(63 + n));
        int sections = d[65 + n];
        if (tile == 0)
            return d;
        long tilesX = (width + (long)tile - 1) / tile, tilesY = (height + (long)tile - 1) / tile;
        int directory = 66 + n;
        long p = directory + 10L * sections;
        // Each tile needs at least 6 index bytes; checked per axis first so the product cannot overflow.
        if (tilesX > d.Length || tilesY > d.Length || tilesX * tilesY > d.Length / 6 || p > d.Length)
            return d;
        long tiles = tilesX * tilesY;

        var entries = new (uint Z, uint Y, int CrcAt)[tiles];
        for (int i = 0; i < tiles; i++)
        {
            if (!Varint(d, ref p, out uint z) || !Varint(d, ref p, out uint y) || p + 4 > d.Length)
                return d;
            entries[i] = (z, y, (int)p);
            p += 4;
        }

        int headerCrcAt = (int)p;
        if (headerCrcAt + 4 > d.Length)
            return d;
        long body = headerCrcAt + 4;
        bool placed = true;
        for (int s = 0; s < sections && placed; s++)
        {
            int at = directory + 10 * s;
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(at + 2));
            placed = body + length <= d.Length;
            if (placed)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(at + 6), Crc32.HashToUInt32(d.AsSpan((int)body, (int)length)));
                body += length;
            }
        }

        for (int i = 0; i < entries.Length && placed; i++)
        {
            long length = (long)entries[i].Z + entries[i].Y;
            placed = body + length <= d.Length;
            if (placed)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(entries[i].CrcAt), Crc32.HashToUInt32(d.AsSpan((int)body, (int)length)));
                body += length;
            }
        }

        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(headerCrcAt), Crc32.HashToUInt32(d.AsSpan(0, headerCrcAt)));
        return d;
    }

    /// <summary>LEB128, leniently (non-shortest forms too: the reader judges those).</summary>
    private static bool Varint(byte[] d, ref long p, out uint value)
    {
        value = 0;
        for (int i = 0; i < 5; i++)
        {
            if (p >= d.Length)
                return false;
            byte b = d[p++];
            value |= (uint)(b & 0x7F) << (7 * i);
            if (b < 0x80)
                return true;
        }
        return false;
    }
}

/// <summary>
/// Upper bounds on what one run of a target allocates on the managed heap, derived from the
/// format's limits and the model's shape (docs/fuzzing.md). The fuzzer runs under a GC heap hard
/// limit above these; the corpus test measures every input against them.
/// </summary>
public static class AllocationBound
{
    /// <summary>Fixed allowance for small objects: header fields, entries, messages, exceptions, Deflate's buffer.</summary>
    public const long Slack = 1 << 20;

    /// <summary>
    /// Header target on an input of <paramref name="inputLength"/> bytes, cumulatively: the checksum
    /// fix-up's copy and entries (3 F), Open's index buffer (F) and tile entries (at least 6 index
    /// bytes per tile, 48 heap bytes each: 8 F), every tile read once (F), the alpha section (F) and
    /// its plane, W x H &lt;= 1032 x section length + 1024 &lt;= 1032 F + 1024 (Deflate cannot expand
    /// more than 1032:1, which the reader checks before allocating), plus <see cref="Slack"/>.
    /// </summary>
    public static long HeaderBytes(long inputLength) => 1032 * inputLength + 24 * inputLength + Slack;

    /// <summary>Per layer run: tap lists, per-block bias copies, Parallel.For's own objects.</summary>
    public const long LayerSlack = 16 << 10;

    /// <summary>
    /// Decoding one tile of <paramref name="tileSize"/> pixels (latent (T/16)^2 per channel, z (T/64)^2):
    /// z symbols and their table indices, every layer of both integer networks (padded int16 input,
    /// int32 output, a block's accumulators (four times: Parallel.For's replicas may re-initialise them), packed weights, <see cref="LayerSlack"/>), then means
    /// (8 B), indices and y symbols (4 B each) per y element, plus 64 KiB.
    /// </summary>
    public static long TileBytes(FuzzModel model, int tileSize)
    {
        var hyper = model.Tables.Hyper!;
        long h = tileSize / 16, w = tileSize / 16, zh = h / 4, zw = w / 4;
        long bytes = 2L * 4 * hyper.HyperLatentChannels * zh * zw;
        foreach (var network in new[] { hyper.MeanNetwork, hyper.ScaleNetwork })
        {
            long lh = zh, lw = zw;
            foreach (var layer in network.Layers)
            {
                var (oh, ow) = layer.OutputSize((int)lh, (int)lw);
                long pairs = (layer.InChannels + 1) / 2, blocks = (layer.OutChannels + 3) / 4, taps = (long)layer.Kernel * layer.Kernel;
                long run = (lh - 1) * (lw + 4) + lw + 8;
                bytes += 2 * 2 * (pairs * (lh + 4) * (lw + 4) + 8)   // padded input
                    + 4L * layer.OutChannels * oh * ow                // output
                    + 4 * 4 * 4 * run                                 // a block's accumulators; Parallel.For may re-run localInit, so 4x
                    + 4 * blocks * pairs * taps * 4                   // packed weights (once per layer)
                    + LayerSlack;
                (lh, lw) = (oh, ow);
            }
        }
        return bytes + (8L + 4 + 4) * hyper.LatentChannels * h * w + (64 << 10);
    }

    /// <summary>Decode target, cumulatively over all tiles (they are decoded one at a time, so the
    /// live peak is HeaderBytes + one TileBytes).</summary>
    public static long DecodeBytes(FuzzModel model, long inputLength, int tileSize, int tiles) =>
        HeaderBytes(inputLength) + tiles * TileBytes(model, tileSize);
}
