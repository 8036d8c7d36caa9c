using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HiFiC.NanRepro;

/// <summary>
/// The lite encoder, hyper-analysis and generator rebuilt from plain TorchSharp layers (no project
/// types): the same convolution shapes, strides, paddings and ChannelNorm arithmetic, so a fault seen
/// here is LibTorch's and not the project's. Layers are kept in a flat list so that each output can be
/// checked on its own and a faulting layer re-run on the very same input.
/// </summary>
internal sealed class PlainNetworks : nn.Module
{
    public sealed record Layer(string Name, nn.Module<Tensor, Tensor> Module, bool ChannelNormAfter, bool ReluAfter, int Channels);

    public List<Layer> Encoder { get; } = [];
    public List<Layer> Hyper { get; } = [];
    public List<Layer> Generator { get; } = [];
    public int ResidualBlocks { get; }
    private readonly Dictionary<string, (Parameter Gamma, Parameter Beta)> norms = [];

    // Lite: stem 24, encoder 48/96/192/384, latent 128, hyper 128 -> z 96, generator 256 x 6 blocks, up 128/64/32/16.
    public PlainNetworks(int stem = 24, int[]? enc = null, int latent = 128, int hyper = 128, int zc = 96,
        int gen = 256, int blocks = 6, int[]? up = null) : base("PlainNetworks")
    {
        enc ??= [48, 96, 192, 384];
        up ??= [128, 64, 32, 16];
        ResidualBlocks = blocks;
        Add(Encoder, "enc.stem", Reflect(3, stem, 7), true, true, stem);
        int c = stem;
        for (int i = 0; i < enc.Length; i++) { Add(Encoder, $"enc.down{i}", nn.Conv2d(c, enc[i], 3, stride: 2, padding: 1), true, true, enc[i]); c = enc[i]; }
        Add(Encoder, "enc.to_latent", Reflect(c, latent, 3), false, false, latent);

        Add(Hyper, "hyper.conv0", nn.Conv2d(latent, hyper, 3, stride: 1, padding: 1), false, true, hyper);
        Add(Hyper, "hyper.conv1", nn.Conv2d(hyper, hyper, 5, stride: 2, padding: 2), false, true, hyper);
        Add(Hyper, "hyper.conv2", nn.Conv2d(hyper, zc, 5, stride: 2, padding: 2), false, false, zc);

        Add(Generator, "gen.head", Reflect(latent, gen, 3), true, false, gen);
        for (int b = 0; b < blocks; b++)
        {
            Add(Generator, $"gen.block{b}.conv1", Reflect(gen, gen, 3), true, true, gen);
            Add(Generator, $"gen.block{b}.conv2", Reflect(gen, gen, 3), true, false, gen);
        }
        c = gen;
        for (int i = 0; i < up.Length; i++)
        {
            Add(Generator, $"gen.up{i}", nn.ConvTranspose2d(c, up[i], 3, stride: 2, padding: 1, output_padding: 1), true, true, up[i]);
            c = up[i];
        }
        Add(Generator, "gen.to_rgb", Reflect(c, 3, 7), false, false, 3);
        foreach (var l in Encoder.Concat(Hyper).Concat(Generator)) register_module(l.Name.Replace('.', '_'), l.Module);
        foreach (var (name, (g, b)) in norms) { register_parameter(name.Replace('.', '_') + "_gamma", g); register_parameter(name.Replace('.', '_') + "_beta", b); }
        inputGamma = new Parameter(ones(1, latent, 1, 1));
        inputBeta = new Parameter(zeros(1, latent, 1, 1));
        register_parameter("gen_input_norm_gamma", inputGamma);
        register_parameter("gen_input_norm_beta", inputBeta);
    }

    private readonly Parameter inputGamma, inputBeta;

    private static Conv2d Reflect(int i, int o, int k) => nn.Conv2d(i, o, k, stride: 1, padding: k / 2, padding_mode: PaddingModes.Reflect);

    private void Add(List<Layer> list, string name, nn.Module<Tensor, Tensor> m, bool norm, bool relu, int channels)
    {
        list.Add(new Layer(name, m, norm, relu, channels));
        if (norm) norms[name] = (new Parameter(ones(1, channels, 1, 1)), new Parameter(zeros(1, channels, 1, 1)));
    }

    /// <summary>HiFiC's ChannelNorm, as in src/HiFiC.Codec/Networks/ChannelNorm2d.cs.</summary>
    public static Tensor ChannelNorm(Tensor x, Tensor gamma, Tensor beta)
    {
        var mean = x.mean([1], keepdim: true);
        var centred = x - mean;
        var variance = centred.square().mean([1], keepdim: true);
        return centred * (variance + 1e-3).rsqrt() * gamma + beta;
    }

    /// <summary>One layer's convolution alone (the oneDNN call), then its norm and ReLU.</summary>
    public Tensor Apply(Layer l, Tensor x, out Tensor convOut)
    {
        convOut = l.Module.forward(x);
        var h = convOut;
        // Looked up by name on each call: Module.to(dtype) replaces the parameters.
        if (l.ChannelNormAfter) { var key = l.Name.Replace('.', '_'); h = ChannelNorm(h, get_parameter(key + "_gamma")!, get_parameter(key + "_beta")!); }
        if (l.ReluAfter) h = nn.functional.relu(h);
        return h;
    }

    public Tensor InputNorm(Tensor yHat) => ChannelNorm(yHat, get_parameter("gen_input_norm_gamma")!, get_parameter("gen_input_norm_beta")!);

    /// <summary>
    /// Runs the layers in order; <paramref name="check"/> sees every convolution's input and output
    /// (return false to stop). Residual blocks add their input back, and a global skip spans them.
    /// </summary>
    public Tensor Run(List<Layer> layers, Tensor x, Func<Layer, Tensor, Tensor, bool> check)
    {
        Tensor h = x, blockInput = x, stackInput = x;
        foreach (var l in layers)
        {
            if (l.Name == "gen.block0.conv1") stackInput = h;
            if (l.Name.EndsWith(".conv1", StringComparison.Ordinal) && l.Name.StartsWith("gen.block", StringComparison.Ordinal)) blockInput = h;
            var input = h;
            h = Apply(l, input, out var conv);
            if (!check(l, input, conv)) return h;
            if (l.Name.EndsWith(".conv2", StringComparison.Ordinal) && l.Name.StartsWith("gen.block", StringComparison.Ordinal))
            {
                h = blockInput + h;
                if (l.Name == $"gen.block{ResidualBlocks - 1}.conv2") h = stackInput + h;
            }
        }
        return h;
    }
}
