using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace HiFiC.Codec.Format;

/// <summary>Reads and validates the checksummed front of a file (header, section directory, tile
/// index) and places sections and tiles. Every count and length is checked against the limits and
/// the real file length before it sizes an allocation or a loop.</summary>
internal sealed class HificHeaderParser
{
    private readonly HificFileSource _file;
    private readonly HificLimits _limits;
    private readonly Crc32 _crc = new();
    private long _pos;
    private int _version;

    private HificHeaderParser(HificFileSource file, HificLimits limits)
    {
        _file = file;
        _limits = limits;
    }

    public static HificParsedFile Parse(HificFileSource file, HificLimits limits) => new HificHeaderParser(file, limits).Run();

    private HificParsedFile Run()
    {
        int idLength = ReadLead();
        var header = ReadFields(Take(idLength + HificLayout.FixedFieldBytes, "header fields"), idLength, out int sectionCount);
        var directory = Take(sectionCount * HificLayout.SectionEntryBytes, "section directory");
        var (index, indexLength) = ReadIndexAndChecksum(header.TileCount);
        long headerLength = _pos + indexLength + HificLayout.ChecksumBytes;

        var sections = HificSectionLayout.Place(directory, sectionCount, headerLength, _file.Length);
        HificSectionLayout.CheckAgainstHeader(sections, header, _limits);
        long dataStart = sections.Length == 0 ? headerLength : sections[^1].Offset + sections[^1].Length;
        var tiles = PlaceTiles(index, header, dataStart);
        return new HificParsedFile(header, sections, tiles, headerLength, _file.Length, _version);
    }

    /// <summary>Magic, version and model id length, with messages for the usual ways a file is not one of ours.</summary>
    private int ReadLead()
    {
        if (_file.Length == 0)
            throw new HificFormatException("not a .hific file (the file is empty)");
        int available = (int)Math.Min(HificLayout.LeadBytes, _file.Length);
        var lead = _file.ReadAt(0, available);
        int m = Math.Min(available, HificLayout.MagicBytes);
        if (!lead.AsSpan(0, m).SequenceEqual(HificLayout.Magic[..m]))
            throw new HificFormatException(BadMagicMessage(lead.AsSpan(0, m)));
        if (available < HificLayout.MagicBytes + 2)
            throw available < HificLayout.MagicBytes ? Truncated("magic", 0) : Truncated("format version", HificLayout.MagicBytes);

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(lead.AsSpan(HificLayout.MagicBytes));
        if (version == 0)
            throw new HificFormatException("format version 0 is invalid");
        if (version > HificHeader.FormatVersion)
            throw new HificFormatException($"made by a newer format version {version}; this build reads up to {HificHeader.FormatVersion}");
        if (available < HificLayout.LeadBytes)
            throw Truncated("model id length", HificLayout.LeadBytes - 1);

        int idLength = lead[^1];
        if (idLength is 0 or > HificLayout.MaxModelIdBytes)
            throw new HificFormatException($"model id length {idLength} is invalid (must be 1..{HificLayout.MaxModelIdBytes} UTF-8 bytes)");
        _crc.Append(lead);
        _pos = lead.Length;
        _version = version;
        return idLength;
    }

    private static string BadMagicMessage(ReadOnlySpan<byte> start)
    {
        if (start.Length >= 4 && start[1..4].SequenceEqual("HFC"u8))
        {
            if (start[0] == 0x09)
                return "not a .hific file (bad magic: the high bit of the first byte was cleared, as by a 7-bit text transfer)";
            if (start[0] == 0x89)
                return "not a .hific file (bad magic: its line-ending bytes were changed, as by a text-mode transfer)";
        }

        return "not a .hific file (bad magic)";
    }

    private HificHeader ReadFields(byte[] f, int idLength, out int sectionCount)
    {
        string modelId;
        try
        {
            modelId = HificHeaderRules.StrictUtf8.GetString(f, 0, idLength);
        }
        catch (DecoderFallbackException)
        {
            throw new HificFormatException("model id is not valid UTF-8");
        }

        var s = f.AsSpan(idLength);
        byte[] digest = s[..HificLayout.DigestBytes].ToArray();
        s = s[HificLayout.DigestBytes..];
        int width = Dimension(BinaryPrimitives.ReadUInt32LittleEndian(s), "width", _limits.MaxWidth);
        int height = Dimension(BinaryPrimitives.ReadUInt32LittleEndian(s[4..]), "height", _limits.MaxHeight);
        byte flags = s[10];
        if ((flags & ~HificLayout.AlphaFlag) != 0)
            throw new HificFormatException($"colour flags 0x{flags:X2} use reserved bits (only bit 0, alpha, is defined)");
        var color = new HificColorInfo(s[8], s[9], (flags & HificLayout.AlphaFlag) != 0, (ColorSpace)s[11]);
        var header = new HificHeader(
            modelId,
            digest,
            width,
            height,
            color,
            BinaryPrimitives.ReadSingleLittleEndian(s[12..]),
            BinaryPrimitives.ReadUInt16LittleEndian(s[16..]),
            BinaryPrimitives.ReadUInt16LittleEndian(s[18..]),
            BinaryPrimitives.ReadUInt16LittleEndian(s[20..]));
        if (HificHeaderRules.Check(header, _limits) is { } problem)
            throw new HificFormatException(problem);

        sectionCount = s[22];
        if (sectionCount > _limits.MaxSections)
            throw new HificFormatException($"section count {sectionCount} is over the limit of {_limits.MaxSections}");
        return header;
    }

    private static int Dimension(uint value, string name, int max) =>
        value <= int.MaxValue ? (int)value : throw new HificFormatException($"{name} {value} is invalid (must be 1..{max})");

    /// <summary>Reads the varint index (its length is only known by walking it) and verifies the
    /// header checksum before any index value is trusted.</summary>
    private (byte[] Index, int Length) ReadIndexAndChecksum(int tileCount)
    {
        long minimum = ((long)tileCount * HificLayout.MinTileEntryBytes) + HificLayout.ChecksumBytes;
        if (_pos + minimum > _file.Length)
            throw new HificFormatException($"truncated: the index of {tileCount} tiles needs at least {minimum} bytes from byte {_pos} but the file ends at byte {_file.Length}");
        long maximum = ((long)tileCount * HificLayout.MaxTileEntryBytes) + HificLayout.ChecksumBytes;
        var buffer = _file.ReadAt(_pos, (int)Math.Min(maximum, _file.Length - _pos));

        int p = 0;
        for (int i = 0; i < tileCount; i++)
        {
            p += VarintLength(buffer, p, i, "z");
            p += VarintLength(buffer, p, i, "y");
            p += HificLayout.ChecksumBytes;
        }

        if (p + HificLayout.ChecksumBytes > buffer.Length)
            throw p > buffer.Length ? Truncated("tile index", _pos) : Truncated("header checksum", _pos + p);
        _crc.Append(buffer.AsSpan(0, p));
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(p));
        uint computed = _crc.GetCurrentHashAsUInt32();
        if (stored != computed)
            throw new HificFormatException($"header checksum mismatch (stored 0x{stored:X8}, computed 0x{computed:X8}): the header or tile index is corrupt");
        return (buffer, p);
    }

    private int VarintLength(byte[] buffer, int p, int tile, string stream)
    {
        int n = p >= buffer.Length ? 0 : HificVarint.TryRead(buffer.AsSpan(p), out _);
        return n switch
        {
            0 => throw Truncated($"tile index (entry of tile {tile})", _pos),
            < 0 => throw new HificFormatException($"tile {tile} {stream} length is not a valid varint"),
            _ => n,
        };
    }

    private HificTileEntry[] PlaceTiles(byte[] index, HificHeader header, long dataStart)
    {
        int maxStream = _limits.MaxStreamBytesPerTile(header.TileSize);
        var tiles = new HificTileEntry[header.TileCount];
        long offset = dataStart;
        int p = 0;
        for (int i = 0; i < tiles.Length; i++)
        {
            int z = StreamLength(index, ref p, i, "z", maxStream, header.TileSize);
            int y = StreamLength(index, ref p, i, "y", maxStream, header.TileSize);
            tiles[i] = new HificTileEntry(offset, z, y, BinaryPrimitives.ReadUInt32LittleEndian(index.AsSpan(p)));
            p += HificLayout.ChecksumBytes;
            if (tiles[i].End > _file.Length)
                throw new HificFormatException($"truncated: the index says tile {i} has {tiles[i].Length} bytes at offset {offset} but the file ends at byte {_file.Length}");
            offset = tiles[i].End;
        }

        if (offset != _file.Length)
            throw new HificFormatException($"{_file.Length - offset} unexpected bytes after the last tile (the file should end at byte {offset})");
        return tiles;
    }

    private static int StreamLength(byte[] index, ref int p, int tile, string stream, int max, int tileSize)
    {
        p += HificVarint.TryRead(index.AsSpan(p), out uint length);
        return length <= (uint)max
            ? (int)length
            : throw new HificFormatException($"tile {tile} {stream} stream length {length} is over the limit of {max} bytes for {tileSize}-pixel tiles");
    }

    private byte[] Take(int count, string what)
    {
        if (_pos + count > _file.Length)
            throw Truncated(what, _pos);
        var bytes = _file.ReadAt(_pos, count);
        _crc.Append(bytes);
        _pos += count;
        return bytes;
    }

    private HificFormatException Truncated(string what, long at) =>
        new($"truncated: the file ends at byte {_file.Length} inside the {what}, which starts at byte {at}");
}
