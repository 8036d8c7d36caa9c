using System.IO.Hashing;
using HiFiC.Codec.Imaging.Metadata;

namespace HiFiC.Codec.Format;

/// <summary>Random access to a .hific file over a seekable stream. Open reads and validates the
/// header, section directory and tile index (one small read); tiles and alpha are read on demand,
/// so a region restore touches only the tiles it needs. Safe to use from several threads.</summary>
public sealed class HificReader : IDisposable
{
    private readonly HificFileSource _file;
    private readonly bool _leaveOpen;
    private readonly Lock _gate = new();
    private bool _disposed;

    private readonly HificLimits _limits;

    private HificReader(HificFileSource file, HificParsedFile parsed, bool leaveOpen, HificLimits limits)
    {
        _file = file;
        _leaveOpen = leaveOpen;
        Header = parsed.Header;
        Tiles = parsed.Tiles;
        Sections = parsed.Sections;
        HeaderLength = parsed.HeaderLength;
        _limits = limits;
        FileLength = parsed.FileLength;
        FormatVersion = parsed.FormatVersion;
    }

    public HificHeader Header { get; }

    public IReadOnlyList<HificTileEntry> Tiles { get; }

    /// <summary>All sections, including unknown optional ones (which are never read).</summary>
    public IReadOnlyList<HificSectionEntry> Sections { get; }

    /// <summary>Bytes of header, section directory, tile index and header checksum.</summary>
    public long HeaderLength { get; }

    public long FileLength { get; }

    /// <summary>The format version the file was written with (1 or 2); it selects how its tiles' streams are laid out.</summary>
    public int FormatVersion { get; }

    /// <summary>The rANS layout of this file's tile streams.</summary>
    public Entropy.RansStreamLayout StreamLayout => Entropy.RansStreamLayouts.ForFormatVersion(FormatVersion);

    /// <summary>Opens the file that starts at the stream's current position and ends at its end.</summary>
    /// <exception cref="HificFormatException">The bytes are not a valid file this build can read.
    /// The stream is disposed first unless <paramref name="leaveOpen"/>.</exception>
    public static HificReader Open(Stream input, HificLimits? limits = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!input.CanRead || !input.CanSeek)
            throw new ArgumentException("HificReader needs a readable, seekable stream; copy other streams into memory first", nameof(input));
        try
        {
            var file = new HificFileSource(input);
            limits ??= HificLimits.Default;
            return new HificReader(file, HificHeaderParser.Parse(file, limits), leaveOpen, limits);
        }
        catch when (!leaveOpen)
        {
            input.Dispose();
            throw;
        }
    }

    public static HificReader Open(byte[] data, HificLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Open(new MemoryStream(data, writable: false), limits);
    }

    /// <summary>Reads tile <paramref name="index"/> (raster order) and verifies its CRC-32.</summary>
    public HificTilePayload ReadTile(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Tiles.Count);
        var entry = Tiles[index];
        var z = new byte[entry.ZLength];
        var y = new byte[entry.YLength];
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _file.ReadAt(entry.Offset, z);
            _file.ReadAt(entry.Offset + entry.ZLength, y);
        }

        uint crc = HificHeaderEncoder.TileCrc(z, y);
        if (crc != entry.Crc32)
            throw new HificFormatException($"tile {index} checksum mismatch (stored 0x{entry.Crc32:X8}, computed 0x{crc:X8}): its bytes are corrupt");
        return new HificTilePayload(z, y);
    }

    /// <summary>The W*H alpha plane (raster order), or null when the file has none; verified by its CRC-32.</summary>
    public byte[]? ReadAlpha() => ReadAlpha(0, 0, Header.Width, Header.Height);

    /// <summary>The alpha of the rectangle (x, y, width, height) in raster order, or null when the
    /// file has none. Only the rectangle is allocated: the plane is inflated row by row through a
    /// one-row buffer, so a small region of a huge image costs a small buffer.</summary>
    public byte[]? ReadAlpha(int x, int y, int width, int height)
    {
        if (x < 0 || y < 0 || width <= 0 || height <= 0 || (long)x + width > Header.Width || (long)y + height > Header.Height)
            throw new ArgumentOutOfRangeException(nameof(width), $"region {x},{y},{width},{height} is not inside the {Header.Width}x{Header.Height} image");
        var section = Sections.FirstOrDefault(s => s.Type == HificSectionTypes.Alpha);
        if (section is null)
            return null;
        byte[] packed;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            packed = _file.ReadAt(section.Offset, (int)section.Length);
        }

        uint crc = Crc32.HashToUInt32(packed);
        if (crc != section.Crc32)
            throw new HificFormatException($"alpha section checksum mismatch (stored 0x{section.Crc32:X8}, computed 0x{crc:X8}): its bytes are corrupt");
        return HificAlphaCodec.Decompress(packed, Header.Width, Header.Height, x, y, width, height);
    }

    /// <summary>
    /// The source's EXIF, XMP, IPTC and ICC profile, verified by the section's and each entry's CRC-32;
    /// null when the file has no metadata section or one of a newer version than this build reads.
    /// </summary>
    public ImageMetadataSet? ReadMetadata()
    {
        var section = Sections.FirstOrDefault(s => s.Type == HificSectionTypes.Metadata);
        if (section is null)
            return null;
        byte[] body;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            body = _file.ReadAt(section.Offset, (int)section.Length);
        }

        uint crc = Crc32.HashToUInt32(body);
        if (crc != section.Crc32)
            throw new HificFormatException($"metadata section checksum mismatch (stored 0x{section.Crc32:X8}, computed 0x{crc:X8}): its bytes are corrupt");
        return HificMetadataSection.Decode(body, _limits.MaxMetadataBytes);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            if (!_leaveOpen)
                _file.Stream.Dispose();
        }
    }
}
