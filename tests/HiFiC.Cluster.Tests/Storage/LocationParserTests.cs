using HiFiC.Cluster.Silo.Storage.Locations;

namespace HiFiC.Cluster.Tests.Storage;

/// <summary>The one parser of locations: canonical forms pass (and parse to themselves), everything ambiguous is refused.</summary>
public sealed class LocationParserTests
{
    [Theory]
    [InlineData("/data/photos", "/data/photos")]
    [InlineData("/data/photos/", "/data/photos")]
    [InlineData("photos/2024", "photos/2024")]
    // Folder paths are literal: '%' in a name stays a '%'.
    [InlineData("/data/100%", "/data/100%")]
    [InlineData("/data/50%off", "/data/50%off")]
    [InlineData("/data/a%20b", "/data/a%20b")]
    // URIs are decoded exactly once.
    [InlineData("file:///data/100%25", "/data/100%")]
    [InlineData("file:///data/a%20b", "/data/a b")]
    [InlineData("file:///data/caf%C3%A9", "/data/café")]
    [InlineData("azblob://archive", "azblob://archive/")]
    [InlineData("azblob://archive/x/y/", "azblob://archive/x/y")]
    [InlineData("azblob://archive/a%20b", "azblob://archive/a b")]
    [InlineData("/data/Fotos Müller/写真", "/data/Fotos Müller/写真")]
    public void Canonical_locations_parse_and_parse_again_to_themselves(string input, string canonical)
    {
        Assert.True(LocationParser.TryParse(input, out var loc, out var error), error);
        Assert.Equal(canonical, loc.ToString());
        Assert.True(LocationParser.TryParse(loc.ToString(), out var again, out error), error);
        Assert.Equal(loc.ToString(), again.ToString());
    }

    [Theory]
    [InlineData("", "required")]
    [InlineData("../etc", "'..'")]
    [InlineData("photos/../../etc", "'..'")]
    [InlineData("/data/./photos", "'..'")]
    [InlineData("%2e%2e/%2e%2e/etc", "percent-encoded")]
    [InlineData("%2E%2E/etc", "percent-encoded")]
    [InlineData("..%2fetc", "percent-encoded")]
    [InlineData("%252e%252e/etc", "percent-encoded")]
    [InlineData("/data/%c0%ae%c0%ae/etc", "percent-encoded")]
    [InlineData("file:///data/%2e%2e/etc", "percent-encoded")]
    [InlineData("file:///data/%252e%252e/etc", "twice")]
    [InlineData("file:///data/%c0%ae%c0%ae/etc", "UTF-8")]
    [InlineData("file:///data/a%2fb", "percent-encoded")]
    [InlineData("file://host/share", "local path")]
    [InlineData("azblob://archive/%2e%2e/other", "percent-encoded")]
    [InlineData("azblob://archive/../other", "'..'")]
    [InlineData("azblob://Bad_Container/x", "container")]
    [InlineData("..\\..\\etc", "'\\'")]
    [InlineData("photos\\..\\..", "'\\'")]
    [InlineData("C:\\Windows", "'\\'")]
    [InlineData("C:/Windows", "drive letter")]
    [InlineData("http://example.com/x", "scheme")]
    [InlineData("/data/a:b", "':'")]
    [InlineData("/data/photos\0/x", "control")]
    [InlineData("/data/photos\n", "control")]
    [InlineData("/data/\uFF0E\uFF0E/etc", "U+FF0E")]
    [InlineData("/data/..\uFF0Fetc", "U+FF0F")]
    [InlineData("/data/\u2024\u2024/etc", "U+2024")]
    [InlineData("/data/a\u2215b", "U+2215")]
    [InlineData("/data/\u202Egnp.exe", "invisible")]
    [InlineData("/data/\u2488\u2488/etc", "U+2488")]
    [InlineData("/data/\uFE52\uFE52/etc", "U+FE52")]
    [InlineData("/data/\uFF05\uFF12\uFF45", "U+FF05")]
    [InlineData("/data/\uD83C\uDD00", "U+1F100")]
    [InlineData("/data//photos", "empty")]
    public void Ambiguous_or_hostile_locations_are_refused_with_a_reason(string input, string reason)
    {
        Assert.False(LocationParser.TryParse(input, out _, out var error));
        Assert.Contains(reason, error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Over_long_locations_and_names_are_refused()
    {
        Assert.False(LocationParser.TryParse("/" + new string('a', LocationParser.MaxLength), out _, out var e1));
        Assert.Contains("longer", e1);
        Assert.False(LocationParser.TryParse("/data/" + new string('a', 256), out _, out var e2));
        Assert.Contains("longer", e2);
        // Built at run time: a lone surrogate does not survive as attribute data.
        Assert.False(LocationParser.TryParse("/data/a" + (char)0xD800 + "b", out _, out var e3));
        Assert.Contains("surrogate", e3);
    }

    [Theory]
    [InlineData("img.png", true)]
    [InlineData("set/img 1.png", true)]
    [InlineData("100%.png", true)]
    [InlineData("../etc/passwd", false)]
    [InlineData("set/../../x.png", false)]
    [InlineData("/etc/passwd", false)]
    [InlineData("a%2F..%2Fb.png", false)]
    [InlineData("a%2e%2e", false)]
    [InlineData("a\\b.png", false)]
    [InlineData("C:/x.png", false)]
    [InlineData("a\0.png", false)]
    [InlineData("\uFF0E\uFF0E/x.png", false)]
    [InlineData("a//b.png", false)]
    public void Relative_paths_in_requests(string input, bool ok)
    {
        Assert.Equal(ok, LocationParser.TryRelativePath(input, out var path, out var error));
        if (ok) Assert.Equal(input, path);
        else Assert.NotEmpty(error);
    }
}
