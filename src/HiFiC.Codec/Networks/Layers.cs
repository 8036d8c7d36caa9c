using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HiFiC.Codec.Networks;

/// <summary>Small constructors shared by the networks so each reads like the paper's figure.</summary>
internal static class Layers
{
    /// <summary>Same-size conv with reflection padding (avoids dark borders at image and tile edges).</summary>
    public static Conv2d Conv(int inC, int outC, int kernel) =>
        nn.Conv2d(inC, outC, kernel, stride: 1, padding: kernel / 2, padding_mode: PaddingModes.Reflect);

    /// <summary>Stride-2 3x3 conv: exactly halves even sides.</summary>
    public static Conv2d Down(int inC, int outC, int kernel = 3) =>
        nn.Conv2d(inC, outC, kernel, stride: 2, padding: kernel / 2);

    /// <summary>Stride-2 transposed conv: exactly doubles sides.</summary>
    public static ConvTranspose2d Up(int inC, int outC, int kernel = 3) =>
        nn.ConvTranspose2d(inC, outC, kernel, stride: 2, padding: kernel / 2, output_padding: 1);
}
