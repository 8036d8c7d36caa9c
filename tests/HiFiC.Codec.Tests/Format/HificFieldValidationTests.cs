using System.Buffers.Binary;
using System.Text;
using HiFiC.Codec.Format;

namespace HiFiC.Codec.Tests.Format;

/// <summary>Hostile headers with a correct checksum, so each reaches its field check.</summary>
public class HificFieldValidationTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "width0", "width 0 is invalid (must be 1..131072)" },
        { "height0", "height 0 is invalid" },
        { "widthHuge", "width 4294967295 is invalid" },
        { "widthOverLimit", "width 131073 is invalid" },
        { "pixels", "pixels, over the limit of 2147483647" },
        { "tile100", "tile size 100 is invalid (must be a multiple of 64 in 64..4096)" },
        { "tile0", "tile size 0 is invalid" },
        { "tile8192", "tile size 8192 is invalid" },
        { "channels2", "source channels 2 is invalid" },
        { "depth12", "source bit depth 12 is invalid" },
        { "colourSpace5", "colour space 5 is not supported" },
        { "reservedFlag", "colour flags 0x02 use reserved bits" },
        { "rateNaN", "rate NaN is invalid" },
        { "latent0", "latent channels 0 is invalid" },
        { "hyper0", "hyper-latent channels 0 is invalid" },
        { "idLength0", "model id length 0 is invalid" },
        { "idLength65", "model id length 65 is invalid" },
        { "idNotUtf8", "model id is not valid UTF-8" },
        { "idControl", "model id contains a control character" },
        { "version0", "format version 0 is invalid" },
        { "version3", "made by a newer format version 3; this build reads up to 2" },
        { "sections17", "section count 17 is over the limit of 16" },
        { "badChecksum", "header checksum mismatch" },
        { "overlongVarint", "tile 0 z length is not a valid varint" },
        { "varintOver32Bits", "tile 0 z length is not a valid varint" },
        { "streamOverLimit", "tile 0 y stream length 65537 is over the limit of 20480 bytes for 64-pixel tiles" },
        { "lengthBeyondFile", "truncated: the index says tile 0 has 1000 bytes at offset" },
        { "trailing", "3 unexpected bytes after the last tile" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Out_of_range_fields_are_refused_with_a_message_naming_them(string mutation, string expected)
    {
        var raw = RawHificFile.WithTiles(64, 64, 64);
        Mutate(raw, mutation);

        Assert.Contains(expected, HificSamples.Refused(raw.ToBytes()).Message);
    }

    [Fact]
    public void The_newer_version_message_is_exact()
    {
        var raw = RawHificFile.WithTiles(64, 64, 64);
        raw.Version = 7;

        Assert.Equal("made by a newer format version 7; this build reads up to 2", HificSamples.Refused(raw.ToBytes()).Message);
    }

    [Fact]
    public void A_tile_count_over_the_limit_is_refused_before_the_index_is_read()
    {
        var raw = RawHificFile.WithTiles(1024, 1024, 64);

        var e = HificSamples.Refused(raw.ToBytes(), new HificLimits { MaxTiles = 10 });

        Assert.StartsWith("tile count 256 (16x16 tiles of 64 px) is over the limit of 10", e.Message);
    }

    [Fact]
    public void A_huge_claimed_index_in_a_tiny_file_allocates_nothing_big()
    {
        var raw = new RawHificFile { Width = 65536, Height = 16384, TileSize = 64 }; // 262144 tiles, no index bytes
        var file = raw.ToBytes();

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = HificSamples.Refused(file);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.StartsWith("truncated: the index of 262144 tiles needs at least", e.Message);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void A_huge_claimed_section_in_a_tiny_file_allocates_nothing_big()
    {
        var raw = RawHificFile.WithTiles(64, 64, 64);
        raw.Sections.Add((9, new byte[10]));
        var file = raw.ToBytes();
        int lengthAt = 11 + raw.ModelId.Length + 32 + 23 + 2;
        file[lengthAt + 3] = 0x7F; // section length ~2 GB, checksum now wrong: fix it as an attacker would
        file = Rechecksum(file, raw);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = HificSamples.Refused(file);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.StartsWith("truncated: the directory says section 0 (type 9) has", e.Message);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Custom_limits_are_applied()
    {
        var file = RawHificFile.WithTiles(300, 200, 128).ToBytes();

        Assert.Contains("width 300 is invalid (must be 1..256)", HificSamples.Refused(file, new HificLimits { MaxWidth = 256 }).Message);
        Assert.Contains("over the limit of 50000", HificSamples.Refused(file, new HificLimits { MaxPixels = 50_000 }).Message);
    }

    private static byte[] Rechecksum(byte[] file, RawHificFile raw)
    {
        int headerEnd = 11 + raw.ModelId.Length + 55 + (raw.Sections.Count * 10) + 6 * raw.Tiles.Count;
        headerEnd += raw.Tiles.Sum(t => (t.Z.Length >= 128 ? 1 : 0) + (t.Y.Length >= 128 ? 1 : 0));
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(headerEnd), System.IO.Hashing.Crc32.HashToUInt32(file.AsSpan(0, headerEnd)));
        return file;
    }

    private static void Mutate(RawHificFile raw, string mutation)
    {
        switch (mutation)
        {
            case "width0": raw.Width = 0; break;
            case "height0": raw.Height = 0; break;
            case "widthHuge": raw.Width = uint.MaxValue; break;
            case "widthOverLimit": raw.Width = (1 << 17) + 1; break;
            case "pixels": raw.Width = 1 << 17; raw.Height = 1 << 17; break;
            case "tile100": raw.TileSize = 100; break;
            case "tile0": raw.TileSize = 0; break;
            case "tile8192": raw.TileSize = 8192; break;
            case "channels2": raw.Channels = 2; break;
            case "depth12": raw.BitDepth = 12; break;
            case "colourSpace5": raw.ColorSpace = 5; break;
            case "reservedFlag": raw.ColorFlags = 2; break;
            case "rateNaN": raw.Rate = float.NaN; break;
            case "latent0": raw.Latent = 0; break;
            case "hyper0": raw.Hyper = 0; break;
            case "idLength0": raw.ModelIdLengthOverride = 0; break;
            case "idLength65": raw.ModelId = new byte[65]; break;
            case "idNotUtf8": raw.ModelId = [0x68, 0xC3, 0x28]; break;
            case "idControl": raw.ModelId = Encoding.UTF8.GetBytes("evil\nlog line"); break;
            case "version0": raw.Version = 0; break;
            case "version3": raw.Version = 3; break;
            case "sections17": raw.SectionCountOverride = 17; break;
            case "badChecksum": raw.FixChecksum = false; break;
            case "overlongVarint": raw.IndexOverride = [0x85, 0x00, 0x05, 0, 0, 0, 0]; break;
            case "varintOver32Bits": raw.IndexOverride = [0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00, 0, 0, 0, 0]; break;
            case "streamOverLimit": raw.Tiles[0] = (raw.Tiles[0].Z, new byte[65537]); break;
            case "lengthBeyondFile": raw.IndexOverride = [0xE8, 0x07, 0x00, 0, 0, 0, 0]; break;
            case "trailing": raw.Trailing = [1, 2, 3]; break;
            default: throw new ArgumentException(mutation);
        }
    }
}
