using HiFiC.Codec.Imaging;
using static TorchSharp.torch;

namespace HiFiC.Codec.Coding;

/// <summary>
/// The analysis transform's latent (before the rate's gain) of every tile context of one image,
/// from <see cref="HificEncoder.Analyze"/>. Holds native tensors: dispose it.
/// </summary>
public sealed class ImageAnalysis : IDisposable
{
    private readonly Tensor[] latents;

    internal ImageAnalysis(LoadedImage image, int tileSize, int encoderMargin, Tensor[] latents)
    {
        Image = image;
        TileSize = tileSize;
        EncoderMargin = encoderMargin;
        this.latents = latents;
    }

    public LoadedImage Image { get; }
    public int TileSize { get; }
    public int EncoderMargin { get; }
    public int Tiles => latents.Length;

    internal Tensor Latent(int tile) => latents[tile];

    public void Dispose()
    {
        foreach (var l in latents) l.Dispose();
    }
}
