using HiFiC.Codec.Imaging.Metadata;

namespace HiFiC.Codec.Format;

/// <summary>Writes a .hific file of the current format version (<see cref="HificHeader.FormatVersion"/>) in one forward pass (no seeking), so the output may be a
/// network or blob stream. All payloads are in memory first because the index precedes them.</summary>
public static class HificWriter
{
    /// <param name="alpha">W*H bytes, raster order; required exactly when <c>header.Color.HasAlpha</c>.</param>
    /// <param name="limits">The writer refuses what a reader with these limits would refuse (default: <see cref="HificLimits.Default"/>).</param>
    /// <exception cref="ArgumentException">The header, tiles or alpha break a format rule; the message names the field.</exception>
    /// <param name="metadata">The source's EXIF, XMP, IPTC and ICC profile: a metadata section when not empty.</param>
    public static void Write(Stream output, HificHeader header, IReadOnlyList<HificTilePayload> tiles, byte[]? alpha = null, HificLimits? limits = null,
        ImageMetadataSet? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var sections = Prepare(header, tiles, alpha, limits ?? HificLimits.Default);
        if (metadata is { IsEmpty: false })
        {
            var body = HificMetadataSection.Encode(metadata);
            if (body.Length > (limits ?? HificLimits.Default).MaxMetadataBytes || metadata.Bytes > (limits ?? HificLimits.Default).MaxMetadataBytes)
                throw new ArgumentException($"metadata of {metadata.Bytes} bytes is over the limit of {(limits ?? HificLimits.Default).MaxMetadataBytes}", nameof(metadata));
            sections.Add(new HificSectionDraft(HificSectionTypes.Metadata, Required: false, body));
        }
        output.Write(HificHeaderEncoder.Encode(header, tiles, sections));
        foreach (var s in sections)
            output.Write(s.Body);
        foreach (var t in tiles)
        {
            output.Write(t.Z);
            output.Write(t.Y);
        }
    }

    public static byte[] WriteToArray(HificHeader header, IReadOnlyList<HificTilePayload> tiles, byte[]? alpha = null, HificLimits? limits = null,
        ImageMetadataSet? metadata = null)
    {
        using var buffer = new MemoryStream();
        Write(buffer, header, tiles, alpha, limits, metadata);
        return buffer.ToArray();
    }

    private static List<HificSectionDraft> Prepare(HificHeader header, IReadOnlyList<HificTilePayload> tiles, byte[]? alpha, HificLimits limits)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(tiles);
        if (HificHeaderRules.Check(header, limits) is { } problem)
            throw new ArgumentException(problem, nameof(header));
        if (tiles.Count != header.TileCount)
            throw new ArgumentException($"expected {header.TileCount} tile payloads for a {header.TilesX}x{header.TilesY} grid, got {tiles.Count}", nameof(tiles));

        int maxStream = limits.MaxStreamBytesPerTile(header.TileSize);
        for (int i = 0; i < tiles.Count; i++)
        {
            var t = tiles[i] ?? throw new ArgumentException($"tile {i} is null", nameof(tiles));
            if (t.Z is null || t.Y is null)
                throw new ArgumentException($"tile {i} has a null stream", nameof(tiles));
            if (Math.Max(t.Z.Length, t.Y.Length) > maxStream)
                throw new ArgumentException($"tile {i} has a {Math.Max(t.Z.Length, t.Y.Length)}-byte stream, over the limit of {maxStream} for {header.TileSize}-pixel tiles", nameof(tiles));
        }

        long pixels = (long)header.Width * header.Height;
        if (header.Color.HasAlpha != alpha is not null)
            throw new ArgumentException(header.Color.HasAlpha ? "the header says alpha is present but no alpha plane was given" : "an alpha plane was given but the header says there is none", nameof(alpha));
        if (alpha is null)
            return [];
        if (alpha.Length != pixels)
            throw new ArgumentException($"alpha plane has {alpha.Length} bytes but the image has {pixels} pixels", nameof(alpha));
        return [new HificSectionDraft(HificSectionTypes.Alpha, Required: false, HificAlphaCodec.Compress(alpha))];
    }
}
