using System.Buffers.Binary;
using HiFiC.Codec.Format;
using HiFiC.Codec.Imaging.Metadata;
using HiFiC.TestSupport;

namespace HiFiC.Codec.Tests.Format;

/// <summary>The metadata section (type 2): EXIF, XMP, IPTC and ICC carried in the container (issue 17).</summary>
public class HificMetadataSectionTests
{
    private static readonly ImageMetadataSet Sample = new(
        Exif: [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 0, 0],
        Xmp: System.Text.Encoding.UTF8.GetBytes(CameraFiles.Xmp(1)),
        Iptc: [0x1C, 2, 25, 0, 7, .. "harbour"u8.ToArray()],
        Icc: CameraFiles.DisplayP3());

    private static byte[] Write(ImageMetadataSet? metadata)
    {
        var header = HificSamples.Header();
        return HificWriter.WriteToArray(header, HificSamples.Tiles(header), metadata: metadata);
    }

    [Fact]
    public void Metadata_round_trips_in_an_optional_section_that_older_readers_skip()
    {
        var file = Write(Sample);
        using var reader = HificReader.Open(file);
        var section = Assert.Single(reader.Sections);
        // Optional (required bit clear): a reader built before type 2 skips it by its length and decodes the pixels.
        Assert.Equal((HificSectionTypes.Metadata, false), (section.Type, section.Required));
        Assert.Equal(Sample, reader.ReadMetadata());
        Assert.Equal(HificSamples.Tiles(HificSamples.Header())[3].Y, reader.ReadTile(3).Y);
    }

    [Fact]
    public void A_file_without_metadata_has_no_section_and_the_same_bytes_as_before()
    {
        var header = HificSamples.Header();
        Assert.Equal(HificWriter.WriteToArray(header, HificSamples.Tiles(header)), Write(null));
        Assert.Equal(Write(null), Write(ImageMetadataSet.Empty));
        using var reader = HificReader.Open(Write(null));
        Assert.Empty(reader.Sections);
        Assert.Null(reader.ReadMetadata());
    }

    [Fact]
    public void A_damaged_metadata_byte_is_refused_with_a_clear_error()
    {
        var file = Write(Sample);
        using (var reader = HificReader.Open(file))
            file[reader.Sections[0].Offset + 20] ^= 0x40;
        using var damaged = HificReader.Open(file);
        var e = Assert.Throws<HificFormatException>(() => damaged.ReadMetadata());
        Assert.StartsWith("metadata section checksum mismatch", e.Message);
    }

    [Fact]
    public void Entries_of_unknown_kinds_are_skipped_and_a_newer_version_is_ignored()
    {
        var body = HificMetadataSection.Encode(Sample);
        // Append an entry of kind 9 (unknown to this build): kind, coding, raw 1, stored 1, CRC, 1 byte.
        byte[] extra = [9, 0, 1, 1, 0, 0, 0, 0, 0x55];
        BinaryPrimitives.WriteUInt32LittleEndian(extra.AsSpan(4), System.IO.Hashing.Crc32.HashToUInt32([0x55]));
        var withUnknown = body.Concat(extra).ToArray();
        withUnknown[1]++;
        Assert.Equal(Sample, HificMetadataSection.Decode(withUnknown, 1 << 20));

        var newer = (byte[])body.Clone();
        newer[0] = 2;
        Assert.Null(HificMetadataSection.Decode(newer, 1 << 20));
    }

    [Theory]
    [InlineData("repeat", "repeats kind")]
    [InlineData("truncated", "is truncated")]
    [InlineData("bomb", "which is impossible")]
    [InlineData("tooLarge", "bytes in all")]
    public void A_malformed_body_is_refused(string damage, string message)
    {
        var body = HificMetadataSection.Encode(new ImageMetadataSet(Exif: new byte[4000]));
        switch (damage)
        {
            case "repeat": body = [.. body, .. body[2..]]; body[1] = 2; break;
            case "truncated": body = body[..^3]; break;
            case "bomb": body = [.. body[..4], 0xFF, 0xFF, 0xFF, 0x7F, .. body[6..]]; break; // raw length 4000 (2-byte varint) becomes 2^28 - 1
        }
        var e = Assert.Throws<HificFormatException>(() => HificMetadataSection.Decode(body, damage == "tooLarge" ? 100 : 1 << 30));
        Assert.Contains(message, e.Message);
    }
}
