using HiFiC.Codec.Format;

namespace HiFiC.Codec.Tests.Format;

public class HificRoundTripTests
{
    [Fact]
    public void Header_and_tiles_come_back_unchanged()
    {
        var header = HificSamples.Header(300, 200, 128);
        var tiles = HificSamples.Tiles(header);

        using var reader = HificReader.Open(HificWriter.WriteToArray(header, tiles));

        Assert.Equal(header, reader.Header);
        Assert.Equal((3, 2, 6), (reader.Header.TilesX, reader.Header.TilesY, reader.Header.TileCount));
        Assert.Null(reader.ReadAlpha());
        for (int i = 0; i < tiles.Count; i++)
        {
            var tile = reader.ReadTile(i);
            Assert.Equal(tiles[i].Z, tile.Z);
            Assert.Equal(tiles[i].Y, tile.Y);
        }
    }

    [Fact]
    public void Tile_offsets_are_prefix_sums_so_any_tile_can_be_read_alone()
    {
        var header = HificSamples.Header(300, 200, 64);
        var tiles = HificSamples.Tiles(header);
        using var reader = HificReader.Open(HificWriter.WriteToArray(header, tiles));

        long offset = reader.HeaderLength;
        for (int i = 0; i < tiles.Count; i++)
        {
            Assert.Equal(offset, reader.Tiles[i].Offset);
            Assert.Equal((tiles[i].Z.Length, tiles[i].Y.Length), (reader.Tiles[i].ZLength, reader.Tiles[i].YLength));
            offset += tiles[i].Length;
        }

        Assert.Equal(reader.FileLength, offset);
        Assert.Equal(tiles[7].Y, reader.ReadTile(7).Y);
    }

    [Theory]
    [InlineData(3, 8)]
    [InlineData(1, 16)]
    [InlineData(3, 16)]
    public void Alpha_and_colour_info_come_back_unchanged(int channels, int depth)
    {
        var header = HificSamples.Header(333, 97, 256, alpha: true, channels, depth);
        var alpha = HificSamples.Alpha(header);

        using var reader = HificReader.Open(HificWriter.WriteToArray(header, HificSamples.Tiles(header), alpha));

        Assert.Equal(new HificColorInfo(channels, depth, true), reader.Header.Color);
        Assert.Equal(alpha, reader.ReadAlpha());
        Assert.Equal(HificSectionTypes.Alpha, Assert.Single(reader.Sections).Type);
    }

    [Fact]
    public void New_files_are_version_2_with_interleaved_streams_and_version_1_files_still_open()
    {
        var header = HificSamples.Header(300, 200, 128);
        var tiles = HificSamples.Tiles(header);
        using (var reader = HificReader.Open(HificWriter.WriteToArray(header, tiles)))
        {
            Assert.Equal(2, reader.FormatVersion);
            Assert.Equal(HiFiC.Codec.Entropy.RansStreamLayout.Interleaved, reader.StreamLayout);
        }

        var raw = RawHificFile.WithTiles(300, 200, 128);
        raw.Version = 1;
        using (var reader = HificReader.Open(raw.ToBytes()))
        {
            Assert.Equal(1, reader.FormatVersion);
            Assert.Equal(HiFiC.Codec.Entropy.RansStreamLayout.Single, reader.StreamLayout);
            Assert.Equal(raw.Tiles[0].Z, reader.ReadTile(0).Z);
        }
    }

    [Fact]
    public void Writer_output_matches_the_layout_in_the_spec_byte_for_byte()
    {
        var raw = RawHificFile.WithTiles(300, 200, 128);
        var header = HificSamples.Header(300, 200, 128);
        var tiles = raw.Tiles.Select(t => new HificTilePayload(t.Z, t.Y)).ToList();

        Assert.Equal(raw.ToBytes(), HificWriter.WriteToArray(header, tiles));
    }

    [Fact]
    public void One_reader_serves_many_threads()
    {
        var header = HificSamples.Header(1000, 700, 64);
        var tiles = HificSamples.Tiles(header);
        using var reader = HificReader.Open(HificWriter.WriteToArray(header, tiles));

        Parallel.For(0, tiles.Count, i => Assert.Equal(tiles[i].Y, reader.ReadTile(i).Y));
    }

    [Fact]
    public void Caller_errors_are_not_format_errors()
    {
        var header = HificSamples.Header();
        var reader = HificReader.Open(HificWriter.WriteToArray(header, HificSamples.Tiles(header)));

        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadTile(6));
        reader.Dispose();
        Assert.Throws<ObjectDisposedException>(() => reader.ReadTile(0));
    }

    [Fact]
    public void Empty_streams_are_allowed()
    {
        var header = HificSamples.Header(64, 64, 64);
        using var reader = HificReader.Open(HificWriter.WriteToArray(header, [new HificTilePayload([], [])]));

        Assert.Empty(reader.ReadTile(0).Y);
    }

    [Fact]
    public void A_file_can_start_partway_into_a_stream_which_is_left_open()
    {
        var header = HificSamples.Header();
        var tiles = HificSamples.Tiles(header);
        var stream = new MemoryStream();
        stream.Write("prefix"u8);
        HificWriter.Write(stream, header, tiles);
        stream.Position = 6;

        using (var reader = HificReader.Open(stream, leaveOpen: true))
            Assert.Equal(tiles[5].Y, reader.ReadTile(5).Y);

        Assert.True(stream.CanRead);
    }

    [Fact]
    public void Builder_takes_tiles_in_any_order_from_many_threads()
    {
        var header = HificSamples.Header(500, 400, 64, alpha: true);
        var tiles = HificSamples.Tiles(header);
        var alpha = HificSamples.Alpha(header);
        var builder = new HificFileBuilder(header);

        Parallel.ForEach(Enumerable.Range(0, tiles.Count).Reverse(), i => builder.SetTile(i, tiles[i]));
        Assert.False(builder.IsComplete);
        builder.SetAlpha(alpha);

        Assert.True(builder.IsComplete);
        Assert.Equal(HificWriter.WriteToArray(header, tiles, alpha), builder.ToArray());
    }

    [Fact]
    public void Builder_refuses_to_write_with_a_tile_missing()
    {
        var header = HificSamples.Header();
        var builder = new HificFileBuilder(header);
        builder.SetTile(0, new HificTilePayload([1], [2]));

        var e = Assert.Throws<InvalidOperationException>(() => builder.ToArray());
        Assert.Contains("tile 1", e.Message);
    }

    [Fact]
    public void Tile_bounds_are_clipped_at_the_image_edge()
    {
        var header = HificSamples.Header(300, 200, 128);

        Assert.Equal((0, 0, 128, 128), header.TileBounds(0));
        Assert.Equal((256, 128, 44, 72), header.TileBounds(5));
    }
}
