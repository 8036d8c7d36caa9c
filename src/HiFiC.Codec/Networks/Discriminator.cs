using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace HiFiC.Codec.Networks;

/// <summary>
/// HiFiC's conditional patch discriminator (training only): the latent is projected to 12
/// channels, upsampled x16 (nearest) and concatenated with the image. Each image must be paired
/// with its own latent; the batch dimension is kept aligned throughout (no repeat/tile tricks).
/// </summary>
public sealed class Discriminator : nn.Module<Tensor, Tensor, Tensor>
{
    public const int ConditionChannels = 12;
    private readonly Conv2d latentProjection;
    private readonly ModuleList<SpectralNormConv2d> convs = new();
    private readonly Conv2d toLogits;

    // Before any kernel runs: see TorchRuntime.PrepareNative.
    static Discriminator() => TorchRuntime.PrepareNative();

    public Discriminator(HificPreset p) : base(nameof(Discriminator))
    {
        latentProjection = nn.Conv2d(p.LatentChannels, ConditionChannels, 3, padding: 1);
        int c = 3 + ConditionChannels;
        foreach (var width in p.DiscriminatorChannels)
        {
            convs.Add(new SpectralNormConv2d(c, width, 4, stride: 2, padding: 1));
            c = width;
        }
        toLogits = nn.Conv2d(c, 1, 1);
        RegisterComponents();
    }

    /// <summary>Patch logits for images x ([N,3,H,W] in [-1,1]) given their latents ([N,C,H/16,W/16]).</summary>
    public override Tensor forward(Tensor x, Tensor latent)
    {
        using var scope = NewDisposeScope();
        if (x.shape[0] != latent.shape[0])
            throw new ArgumentException("Every image needs its own latent: batch sizes differ.");
        var condition = functional.leaky_relu(latentProjection.forward(ChannelsLast.Of(latent)), 0.2);
        condition = functional.interpolate(condition, scale_factor: [16.0, 16.0], mode: InterpolationMode.Nearest);
        var h = ChannelsLast.Of(cat([x, condition], 1));
        foreach (var conv in convs)
            h = functional.leaky_relu(conv.forward(h), 0.2);
        return toLogits.forward(ChannelsLast.Of(h)).contiguous().MoveToOuterDisposeScope();
    }
}
