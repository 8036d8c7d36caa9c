using HiFiC.Codec.Format;

namespace HiFiC.Codec.Tests.Format;

/// <summary>The file size is exactly framing + payloads, and the framing is tens of bytes, not
/// kilobytes (a known failure of the anchors).</summary>
public class HificOverheadTests
{
    [Fact]
    public void A_256x256_one_tile_file_has_90_bytes_of_framing()
    {
        var header = HificSamples.Header(256, 256, 256); // 13-byte model id
        var tile = new HificTilePayload(new byte[100], new byte[2400]);

        var file = HificWriter.WriteToArray(header, [tile]);
        using var reader = HificReader.Open(file);

        // 70 fixed + 13 model id + 4 tile CRC + 1 (z length) + 2 (y length), as docs/format.md states.
        Assert.Equal(90, file.Length - tile.Length);
        Assert.Equal(90, reader.HeaderLength);
    }

    [Fact]
    public void File_size_is_framing_plus_payloads_for_random_files()
    {
        var rng = new Random(6);
        for (int n = 0; n < 200; n++)
        {
            int tileSize = 64 * rng.Next(1, 9);
            var header = HificSamples.Header(rng.Next(1, 1500), rng.Next(1, 1500), tileSize, alpha: n % 4 == 0);
            var tiles = Enumerable.Range(0, header.TileCount)
                .Select(_ => new HificTilePayload(new byte[rng.Next(0, 300)], new byte[rng.Next(0, 20000)]))
                .ToList();
            byte[]? alpha = header.Color.HasAlpha ? HificSamples.Alpha(header) : null;

            var file = HificWriter.WriteToArray(header, tiles, alpha);
            using var reader = HificReader.Open(file);

            long sections = reader.Sections.Sum(s => 10 + s.Length);
            long index = tiles.Sum(t => 4 + VarintSize(t.Z.Length) + VarintSize(t.Y.Length));
            Assert.Equal(70 + 13 + index + sections + tiles.Sum(t => (long)t.Length), file.Length);
        }
    }

    private static int VarintSize(int v) => v < 1 << 7 ? 1 : v < 1 << 14 ? 2 : v < 1 << 21 ? 3 : v < 1 << 28 ? 4 : 5;
}
