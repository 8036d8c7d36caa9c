using HiFiC.Codec.Format;

namespace HiFiC.Codec.Tests.Format;

internal static class HificSamples
{
    public static readonly byte[] Digest = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();

    public static HificHeader Header(int width = 300, int height = 200, int tileSize = 128, bool alpha = false, int channels = 3, int depth = 8) =>
        new("hific-lite-mi", Digest, width, height, new HificColorInfo(channels, depth, alpha), 0.5f, 220, 320, tileSize);

    public static List<HificTilePayload> Tiles(HificHeader header, int seed = 1, int maxY = 300)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, header.TileCount)
            .Select(_ => new HificTilePayload(RawHificFile.Bytes(rng, rng.Next(0, 40)), RawHificFile.Bytes(rng, rng.Next(0, maxY))))
            .ToList();
    }

    public static byte[] Alpha(HificHeader header, int seed = 2)
    {
        var rng = new Random(seed);
        var plane = new byte[header.Width * header.Height];
        Array.Fill(plane, (byte)255);
        for (int i = 0; i < plane.Length / 10; i++)
            plane[rng.Next(plane.Length)] = (byte)rng.Next(256);
        return plane;
    }

    /// <summary>A small valid file with several tiles and an alpha section.</summary>
    public static byte[] SmallFileWithAlpha()
    {
        var header = Header(150, 70, 64, alpha: true);
        return HificWriter.WriteToArray(header, Tiles(header, maxY: 60), Alpha(header));
    }

    /// <summary>Opens and reads every tile and the alpha plane: what a decoder would do.</summary>
    public static void ReadEverything(byte[] file, HificLimits? limits = null)
    {
        using var reader = HificReader.Open(file, limits);
        for (int i = 0; i < reader.Tiles.Count; i++)
            reader.ReadTile(i);
        reader.ReadAlpha();
        reader.ReadMetadata();
    }

    public static HificFormatException Refused(byte[] file, HificLimits? limits = null) =>
        Assert.Throws<HificFormatException>(() => ReadEverything(file, limits));
}
