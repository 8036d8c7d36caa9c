using HiFiC.Codec.Coding;
using HiFiC.Codec.Coding.Split;

namespace HiFiC.Codec.Tests.Coding;

/// <summary>Split encoding: tiles encoded apart and assembled give the bytes one encoder writes; bad parts are refused before anything is concatenated.</summary>
public sealed class SplitEncoderTests
{
    private static readonly CompressOptions Options = new() { Rate = 1, TileSize = 64 };

    private static (SplitEncoder Split, LoadedImageAndParts Parts) Encode()
    {
        var image = TestModels.Loaded(TestModels.Photo(160, 96, seed: 3));
        var split = new SplitEncoder(TestModels.Tiny);
        int count = SplitEncoder.TileCount(160, 96, 64);
        var parts = Enumerable.Range(0, count).Select(t => split.EncodeTile(image, Options, t)).ToArray();
        return (split, new LoadedImageAndParts(image, parts));
    }

    private sealed record LoadedImageAndParts(HiFiC.Codec.Imaging.LoadedImage Image, byte[][] Parts);

    [Fact]
    public void Tiles_encoded_apart_assemble_to_the_bytes_and_latent_hash_of_a_single_encode()
    {
        var (split, e) = Encode();
        Assert.Equal(6, e.Parts.Length);
        var file = split.Assemble(e.Image, Options, e.Parts, e.Parts.Select(p => TilePart.Sha256(p)).ToList());

        using var direct = new MemoryStream();
        var result = new HificEncoder(TestModels.Tiny).Compress(e.Image, direct, Options);
        Assert.Equal(direct.ToArray(), file.Bytes);
        Assert.Equal(result.LatentHash, file.LatentHash);
        var quality = HificVerifier.Verify(new HificDecoder(TestModels.Tiny), e.Image, file.Bytes, file.LatentHash);
        Assert.NotNull(quality.MsSsim);
    }

    [Fact]
    public void A_damaged_part_a_part_of_another_tile_and_a_part_that_is_not_the_recorded_one_are_refused()
    {
        var (split, e) = Encode();
        var hashes = e.Parts.Select(p => TilePart.Sha256(p)).ToList();

        var damaged = e.Parts.Select(p => p.ToArray()).ToArray();
        damaged[2][20] ^= 0x40;
        Assert.Contains("checksum", Assert.Throws<TilePartException>(() => split.Assemble(e.Image, Options, damaged)).Message);

        var swapped = e.Parts.ToArray();
        (swapped[1], swapped[4]) = (swapped[4], swapped[1]);
        Assert.Contains("holds tile", Assert.Throws<TilePartException>(() => split.Assemble(e.Image, Options, swapped)).Message);

        // Intact and of the right tile, but not the attempt the coordinator counted (e.g. encoded at another rate).
        var other = split.EncodeTile(e.Image, Options with { Rate = 2 }, 3);
        var stale = e.Parts.ToArray();
        stale[3] = other;
        Assert.Contains("SHA-256", Assert.Throws<TilePartException>(() => split.Assemble(e.Image, Options, stale, hashes)).Message);

        Assert.Throws<TilePartException>(() => split.Assemble(e.Image, Options, e.Parts[..5]));
        Assert.Throws<TilePartException>(() => TilePart.Read(e.Parts[0][..10], 0));
    }

    [Fact]
    public void Verification_refuses_bytes_whose_latents_are_not_the_encoders()
    {
        var (split, e) = Encode();
        var file = split.Assemble(e.Image, Options, e.Parts);
        var wrong = new string('0', 64);
        Assert.Throws<VerificationException>(() => HificVerifier.Verify(new HificDecoder(TestModels.Tiny), e.Image, file.Bytes, wrong));
    }
}
