using System.Text.Json.Nodes;
using HiFiC.TestSupport;

namespace HiFiC.Cli.Tests;

/// <summary>`hific decompress --format/--quality/--width` and `hific info` (issue 19).</summary>
public sealed class RestoreFormatCliTests(TestModelFolder models) : CliTestBase(models)
{
    [ExiftoolFact]
    public void Decompress_writes_jpeg_and_webp_with_the_archived_metadata()
    {
        File.WriteAllBytes(In("IMG_0004.jpg"), CameraFiles.Jpeg(128, 96));
        var compress = Run("compress", In("IMG_0004.jpg"), "-o", In("IMG_0004.hific"));
        Assert.True(compress.ExitCode == 0, compress.ToString());

        var jpeg = Run("decompress", In("IMG_0004.hific"), "-o", In("out.jpg"), "--quality", "80");
        Assert.True(jpeg.ExitCode == 0, jpeg.ToString());
        var tags = Exiftool.Read(In("out.jpg"));
        Assert.Equal(CameraFiles.Make, tags["IFD0:Make"]);
        Assert.Equal(CameraFiles.Creator, tags["XMP-dc:Creator"]);
        Assert.Equal(CameraFiles.City, tags["IPTC:City"]);
        Assert.Equal("Display P3", tags["ICC_Profile:ProfileDescription"]);

        var webp = Run("decompress", In("IMG_0004.hific"), "-o", In("thumb"), "--format", "webp", "--width", "48");
        Assert.True(webp.ExitCode == 0, webp.ToString());
        var wtags = Exiftool.Read(In("thumb"));
        Assert.Equal(CameraFiles.Make, wtags["IFD0:Make"]);
        Assert.Equal(CameraFiles.Creator, wtags["XMP-dc:Creator"]);
        Assert.Equal("Display P3", wtags["ICC_Profile:ProfileDescription"]);
        Assert.Equal((48, 64), TestImages.Size(In("thumb"))); // 96x128 upright, shrunk into width 48
    }

    [Fact]
    public void Bad_output_options_are_usage_errors()
    {
        TestImages.Png(In("p.png"), 64, 64);
        Assert.Equal(0, Run("compress", In("p.png"), "-o", In("p.hific")).ExitCode);
        Assert.Equal(ExitCodes.Usage, Run("decompress", In("p.hific"), "--format", "gif").ExitCode);
        Assert.Equal(ExitCodes.Usage, Run("decompress", In("p.hific"), "--format", "jpeg", "--quality", "0").ExitCode);
        Assert.Equal(ExitCodes.Usage, Run("decompress", In("p.hific"), "--width", "9000").ExitCode);
        Assert.Equal(ExitCodes.Usage, Run("decompress", In("p.hific"), "-o", In("q.png"), "--quality", "50").ExitCode);
    }

    [Fact]
    public void Info_describes_a_file_without_decoding_it_and_as_json()
    {
        File.WriteAllBytes(In("cam.jpg"), CameraFiles.Jpeg(128, 96));
        Assert.Equal(0, Run("compress", In("cam.jpg"), "-o", In("cam.hific"), "--tile", "64").ExitCode);

        var text = Run("info", In("cam.hific"));
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("96x128", text.Out);
        Assert.Contains("Format version  2", text.Out);
        Assert.Contains("EXIF", text.Out);
        Assert.Contains("ICC profile", text.Out);
        Assert.Contains("not recorded in the file", text.Out);

        var json = Run("info", In("cam.hific"), "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var o = JsonNode.Parse(json.Out)!;
        Assert.Equal(96, o["width"]!.GetValue<int>());
        Assert.Equal(128, o["height"]!.GetValue<int>());
        Assert.Equal(4, o["tiles"]!.GetValue<int>()); // 2x2 tiles of 64
        Assert.Equal(64, o["modelDigest"]!.GetValue<string>().Length);
        Assert.Equal(new FileInfo(In("cam.hific")).Length, o["fileBytes"]!.GetValue<long>());
        Assert.Equal(4, o["metadata"]!.AsArray().Count);

        File.WriteAllText(In("not.hific"), "hello");
        var bad = Run("info", In("not.hific"));
        Assert.Equal(ExitCodes.InputsFailed, bad.ExitCode);
        Assert.Contains("not a readable .hific", bad.Err);
    }
}
