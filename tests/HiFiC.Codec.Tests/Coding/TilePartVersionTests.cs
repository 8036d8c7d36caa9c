using System.Security.Cryptography;
using HiFiC.Codec.Coding.Split;
using HiFiC.Codec.Format;

namespace HiFiC.Codec.Tests.Coding;

/// <summary>A tile part says whose stream layout it carries: one of another format version is refused, not copied into a file.</summary>
public class TilePartVersionTests
{
    [Fact]
    public void A_part_round_trips_and_one_with_version_1_streams_is_refused_by_name()
    {
        var part = TilePart.Write(3, new HificTilePayload([1, 2, 3, 4], [5, 6, 7, 8, 9]));
        Assert.Equal("HTP2"u8.ToArray(), part[..4]);
        Assert.Equal(new byte[] { 5, 6, 7, 8, 9 }, TilePart.Read(part, 3).Y);

        // The same part as a build of format version 1 would write it (checksum recomputed).
        var old = (byte[])part.Clone();
        old[3] = (byte)'1';
        SHA256.HashData(old.AsSpan(0, old.Length - 32), old.AsSpan(old.Length - 32));
        var e = Assert.Throws<TilePartException>(() => TilePart.Read(old, 3));
        Assert.Contains("another format version", e.Message);
    }
}
