using HiFiC.Codec.Format;

namespace HiFiC.Codec.Tests.Format;

public class HificCorruptionTests
{
    [Fact]
    public void Every_truncation_of_a_valid_file_is_refused()
    {
        var file = HificSamples.SmallFileWithAlpha();

        for (int length = 0; length < file.Length; length++)
        {
            var e = HificSamples.Refused(file[..length]);
            Assert.StartsWith(length == 0 ? "not a .hific file" : "truncated", e.Message);
        }
    }

    [Fact]
    public void Every_single_byte_change_is_caught_by_open_or_by_a_checksum()
    {
        var file = HificSamples.SmallFileWithAlpha();
        var rng = new Random(3);

        for (int i = 0; i < file.Length; i++)
        {
            for (int k = 0; k < 3; k++)
            {
                var copy = (byte[])file.Clone();
                copy[i] ^= (byte)rng.Next(1, 256);
                HificSamples.Refused(copy);
            }
        }
    }

    [Fact]
    public void Thousands_of_random_multi_byte_corruptions_are_refused()
    {
        var file = HificSamples.SmallFileWithAlpha();
        var rng = new Random(4);

        for (int n = 0; n < 5000; n++)
        {
            var copy = (byte[])file.Clone();
            for (int k = rng.Next(1, 6); k > 0; k--)
                copy[rng.Next(copy.Length)] ^= (byte)rng.Next(1, 256);
            HificSamples.Refused(copy);
        }
    }

    [Fact]
    public void A_flip_in_a_payload_is_reported_by_that_tile_only()
    {
        var header = HificSamples.Header();
        var file = HificWriter.WriteToArray(header, HificSamples.Tiles(header));
        using var clean = HificReader.Open(file);
        file[clean.Tiles[3].Offset + clean.Tiles[3].ZLength + 1] ^= 0x10;

        using var reader = HificReader.Open(file);
        var e = Assert.Throws<HificFormatException>(() => reader.ReadTile(3));

        Assert.StartsWith("tile 3 checksum mismatch", e.Message);
        reader.ReadTile(2);
        reader.ReadTile(4);
    }

    [Fact]
    public void A_flip_in_the_alpha_section_is_reported_by_ReadAlpha()
    {
        var file = HificSamples.SmallFileWithAlpha();
        using var clean = HificReader.Open(file);
        file[clean.Sections[0].Offset] ^= 0x01;

        using var reader = HificReader.Open(file);

        Assert.StartsWith("alpha section checksum mismatch", Assert.Throws<HificFormatException>(reader.ReadAlpha).Message);
    }

    [Fact]
    public void An_empty_file_is_not_a_hific_file()
    {
        Assert.Equal("not a .hific file (the file is empty)", HificSamples.Refused([]).Message);
    }

    [Fact]
    public void Random_garbage_is_refused()
    {
        var rng = new Random(5);
        var prefix = HificSamples.SmallFileWithAlpha()[..11];

        for (int n = 0; n < 2000; n++)
        {
            var garbage = RawHificFile.Bytes(rng, rng.Next(0, 3000));
            // Half keep a valid magic, version and id length so the garbage reaches the deeper checks.
            if (n % 2 == 1 && garbage.Length > prefix.Length)
                prefix.CopyTo(garbage, 0);
            HificSamples.Refused(garbage);
        }
    }

    [Fact]
    public void A_text_mode_transfer_is_named_in_the_message()
    {
        var file = HificSamples.SmallFileWithAlpha();
        var mangled = file[..4].Concat(file[5..]).ToArray(); // CR LF -> LF

        Assert.Contains("text-mode transfer", HificSamples.Refused(mangled).Message);
        file[0] &= 0x7F;
        Assert.Contains("7-bit", HificSamples.Refused(file).Message);
        Assert.Equal("not a .hific file (bad magic)", HificSamples.Refused("GIF89a..."u8.ToArray()).Message);
    }

    [Fact]
    public void A_stream_that_is_not_seekable_is_a_caller_error()
    {
        var file = HificSamples.SmallFileWithAlpha();

        Assert.Throws<ArgumentException>(() => HificReader.Open(new NonSeekableStream(file)));
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
