namespace HiFiC.Codec.Format;

/// <summary>Fixed facts of the version-1 byte layout (see docs/format.md), shared by reader and writer.</summary>
internal static class HificLayout
{
    /// <summary>PNG-style: the high byte catches 7-bit transfers, CR LF / LF catch line-ending
    /// conversion, 0x1A stops a DOS `type`.</summary>
    public static ReadOnlySpan<byte> Magic => [0x89, (byte)'H', (byte)'F', (byte)'C', 0x0D, 0x0A, 0x1A, 0x0A];

    public const int MagicBytes = 8;
    public const int MaxModelIdBytes = 64;
    public const int DigestBytes = 32;
    public const int MinTileSize = 64;
    public const int MaxTileSize = 4096;
    public const int TileSizeStep = 64;

    /// <summary>Magic, version and the model id length byte.</summary>
    public const int LeadBytes = MagicBytes + 2 + 1;

    /// <summary>Fields after the model id: digest, width, height, 4 colour bytes, rate,
    /// latent and hyper channels, tile size, section count.</summary>
    public const int FixedFieldBytes = DigestBytes + 4 + 4 + 4 + 4 + 2 + 2 + 2 + 1;

    public const int SectionEntryBytes = 2 + 4 + 4;
    public const int MinTileEntryBytes = 1 + 1 + 4;
    public const int MaxTileEntryBytes = 5 + 5 + 4;
    public const int ChecksumBytes = 4;

    /// <summary>Colour flags bit 0: alpha present. Other bits are reserved and must be 0.</summary>
    public const byte AlphaFlag = 0x01;

    /// <summary>No Deflate stream expands more than 1032:1 (258-byte matches at 2 bits each), so a
    /// shorter alpha section cannot hold the plane; checking it stops a tiny file from asking for a huge buffer.</summary>
    public const int DeflateMaxRatio = 1032;

    public static long MinAlphaSectionBytes(long pixels) => Math.Max(1, (pixels - 1024 + DeflateMaxRatio - 1) / DeflateMaxRatio);

    /// <summary>Stored Deflate blocks add 5 bytes per 64 KiB; 1/1000 plus a constant is above that.</summary>
    public static long MaxAlphaSectionBytes(long pixels) => Math.Min(Array.MaxLength, pixels + (pixels / 1000) + 1024);
}
