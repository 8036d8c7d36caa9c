using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Codec.Imaging.Output;

namespace HiFiC.Cluster.Silo.Codec;

/// <summary>
/// The whole of the codec as the cluster sees it: bytes of an image in, bytes of a bitstream out,
/// and back. Keeping it this small lets tests wrap it (delays, faults) and keeps the grains free
/// of tensors.
/// </summary>
public interface IImageCodec
{
    /// <summary>Compresses <paramref name="image"/> into <paramref name="output"/>. Throws <see cref="CodecInputException"/> for input that will never compress.</summary>
    Task<CompressOutcome> CompressAsync(Stream image, Stream output, CompressRequest request, CancellationToken ct);

    /// <summary>Decodes a bitstream (or a region of it) and writes it to <paramref name="image"/> as <paramref name="output"/>
    /// asks (null = a full-size PNG), with the metadata the file carries. The outcome's size is the written image's.</summary>
    Task<RestoreOutcome> RestoreAsync(Stream bitstream, Stream image, ImageRegion? region, ImageOutputOptions? output, CancellationToken ct);

    /// <summary>The image's size and how many tiles of <paramref name="tileSize"/> it has, without compressing it.</summary>
    Task<ImageShape> IdentifyAsync(Stream image, int tileSize, CancellationToken ct);

    /// <summary>Encodes one tile of a large image exactly as a whole-image compression would; the bytes are opaque to the caller.</summary>
    Task<byte[]> CompressTileAsync(Stream image, int tile, CompressRequest request, CancellationToken ct);

    /// <summary>Writes the bitstream of an image from all its tiles (in tile order), as a whole-image compression would have.</summary>
    Task<CompressOutcome> AssembleAsync(Stream image, IReadOnlyList<byte[]> tiles, Stream output, CompressRequest request, CancellationToken ct);

    /// <summary>Resolves a model name (id, digest, folder; null = default) to its id and digest.</summary>
    Task<ModelInfo> ResolveModelAsync(string? model, CancellationToken ct);
}
