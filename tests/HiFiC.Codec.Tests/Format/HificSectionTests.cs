using HiFiC.Codec.Format;

namespace HiFiC.Codec.Tests.Format;

public class HificSectionTests
{
    [Fact]
    public void An_unknown_optional_section_is_skipped()
    {
        var raw = RawHificFile.WithTiles(300, 200, 128);
        raw.Sections.Add((42, RawHificFile.Bytes(new Random(1), 500)));

        using var reader = HificReader.Open(raw.ToBytes());

        var section = Assert.Single(reader.Sections);
        Assert.Equal((42, false, 500L), (section.Type, section.Required, section.Length));
        Assert.Equal(raw.Tiles[4].Y, reader.ReadTile(4).Y);
        Assert.Null(reader.ReadAlpha());
    }

    [Fact]
    public void An_unknown_required_section_is_refused()
    {
        var raw = RawHificFile.WithTiles(300, 200, 128);
        raw.Sections.Add((0x8000 | 42, [1, 2, 3]));

        Assert.Equal(
            "section 0 has type 42, which is marked required but this build does not understand it",
            HificSamples.Refused(raw.ToBytes()).Message);
    }

    [Fact]
    public void Alpha_sits_among_unknown_sections()
    {
        var raw = RawHificFile.WithTiles(100, 50, 64);
        var plane = RawHificFile.Bytes(new Random(2), 100 * 50);
        raw.Sections.Add((7, [9, 9]));
        raw.AddAlpha(plane);
        raw.Sections.Add((8, [9]));

        using var reader = HificReader.Open(raw.ToBytes());

        Assert.Equal(plane, reader.ReadAlpha());
        Assert.Equal(raw.Tiles[1].Z, reader.ReadTile(1).Z);
    }

    [Theory]
    [InlineData("type0", "section 0 has type 0, which is invalid")]
    [InlineData("flagWithoutSection", "the header says alpha is present but there is no alpha section")]
    [InlineData("sectionWithoutFlag", "there is an alpha section but the header says there is no alpha")]
    [InlineData("twoAlphas", "the alpha section appears 2 times")]
    [InlineData("bomb", "alpha section length 3 is invalid for 16777216 pixels")]
    [InlineData("notDeflate", "alpha section is not valid Deflate data")]
    [InlineData("shortPlane", "alpha section decompresses to 100 bytes but the image has 6400 pixels")]
    [InlineData("longPlane", "alpha section decompresses to more than the image's 6400 pixels")]
    public void Bad_sections_are_refused(string mutation, string expected)
    {
        var raw = RawHificFile.WithTiles(80, 80, 64);
        var plane = new byte[80 * 80];
        switch (mutation)
        {
            case "type0": raw.Sections.Add((0, [1])); break;
            case "flagWithoutSection": raw.ColorFlags = 1; break;
            case "sectionWithoutFlag": raw.Sections.Add((1, RawHificFile.Deflate(plane))); break;
            case "twoAlphas": raw.AddAlpha(plane); raw.AddAlpha(plane); break;
            case "bomb": raw = RawHificFile.WithTiles(4096, 4096, 4096); raw.AddAlpha([]); raw.Sections[0] = (1, [1, 2, 3]); break;
            case "notDeflate": raw.AddAlpha(plane); raw.Sections[0] = (1, Enumerable.Repeat((byte)0xFF, 100).ToArray()); break;
            case "shortPlane": raw.AddAlpha(RawHificFile.Bytes(new Random(1), 100)); break;
            case "longPlane": raw.AddAlpha(new byte[6401]); break;
        }

        Assert.Contains(expected, HificSamples.Refused(raw.ToBytes()).Message);
    }
}
