using HiFiC.Codec.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HiFiC.Codec.Context;

/// <summary>Per-element parameters of y under the context model, in y's own channel order.</summary>
public sealed record ContextParameters(Tensor Mean, Tensor Scale) : IDisposable
{
    public void Dispose() { Mean.Dispose(); Scale.Dispose(); }
}

/// <summary>
/// Channel-conditional entropy model (Minnen &amp; Singh 2020) on top of a frozen mean-scale
/// hyperprior: slice s predicts corrections to the hyperprior's mean and raw scale of its own
/// channels from those and the y-hat of every earlier slice. The last layer starts at zero, so an
/// untrained model is exactly the hyperprior. Inputs are rounded to 1/8 as the integer path
/// (<see cref="IntegerChannelContext"/>) feeds them; hidden layers are ReLU and small convs only,
/// so the network quantizes like the integer hyper-synthesis. Decoding is parallel over pixels:
/// only the slices are serial.
/// </summary>
public sealed class ChannelContextModel : nn.Module
{
    public ChannelContextConfig Config { get; }
    private readonly ModuleList<Sequential> nets;

    public ChannelContextModel(ChannelContextConfig config) : base(nameof(ChannelContextModel))
    {
        config.Validate();
        Config = config;
        nets = new ModuleList<Sequential>();
        for (int n = 0; n < config.Networks; n++)
        {
            var last = nn.Conv2d(config.Width, 2 * config.SliceChannels, 1);
            using (no_grad()) { last.weight!.zero_(); last.bias!.zero_(); }
            nets.Add(nn.Sequential(
                ("conv0", nn.Conv2d(config.NetworkInputChannels(n), config.Width, 3, padding: 1)),
                ("relu0", nn.ReLU()),
                ("conv1", nn.Conv2d(config.Width, config.Width, 1)),
                ("relu1", nn.ReLU()),
                ("conv2", last)));
        }
        RegisterComponents();
    }

    /// <summary>The convolutions of network n (slice n / Phases) in order (ReLU between them), for the integer version.</summary>
    public IReadOnlyList<(Tensor Weight, Tensor Bias)> Convolutions(int n)
    {
        var result = new List<(Tensor, Tensor)>();
        foreach (var (_, module) in nets[n].named_children())
            if (module is Conv2d conv) result.Add((conv.weight!, conv.bias!));
        return result;
    }

    /// <summary>[1,1,h,w]: 1 at the anchors (phase 0), 0 elsewhere.</summary>
    public static Tensor AnchorMask(long h, long w, Device device)
    {
        var rows = arange(h, device: device).view(-1, 1);
        var columns = arange(w, device: device).view(1, -1);
        return (rows + columns).remainder(2).eq(0).to(ScalarType.Float32).view(1, 1, h, w);
    }

    public static Tensor QuantizeInput(Tensor v) => (v * ChannelContextConfig.InputScale).round().detach() / ChannelContextConfig.InputScale;

    /// <summary>
    /// Means and scales for every y element. <paramref name="y"/> is the gain-scaled latent the
    /// encoder coded; each slice's y-hat = mean + round(y - mean) feeds the later slices (in
    /// training, as a constant: no gradient flows through the rounding). <paramref name="onNetworkInput"/>
    /// sees each network's input (network index, input).
    /// </summary>
    public ContextParameters Forward(Tensor y, Tensor hyperMean, Tensor hyperRawScale, Action<int, Tensor>? onNetworkInput = null)
    {
        using var scope = NewDisposeScope();
        int cs = Config.SliceChannels;
        var means = new Tensor[Config.LatentChannels];
        var scales = new Tensor[Config.LatentChannels];
        var decoded = new List<Tensor>();
        for (int s = 0; s < Config.Slices; s++)
        {
            var members = tensor(Config.SliceMembers(s).Select(c => (long)c).ToArray(), device: y.device);
            var mu = hyperMean.index_select(1, members);
            var raw = hyperRawScale.index_select(1, members);
            var input = cat([QuantizeInput(mu), QuantizeInput(raw), .. decoded], 1);
            int first = s * Config.Phases;
            onNetworkInput?.Invoke(first, input);
            var delta = nets[first].forward(input);
            var ys = y.index_select(1, members);
            if (Config.Checkerboard)
            {
                // Phase 1 sees the anchors' y-hat (zero at the other positions, as the decoder has them).
                var anchors = AnchorMask(y.shape[2], y.shape[3], y.device);
                var anchorMean = mu + delta.narrow(1, 0, cs);
                var anchorHat = (QuantizeInput(anchorMean + (ys - anchorMean).round()) * anchors).detach();
                var secondInput = cat([input, anchorHat], 1);
                onNetworkInput?.Invoke(first + 1, secondInput);
                delta = where(anchors > 0, delta, nets[first + 1].forward(secondInput));
            }
            var sliceMean = mu + delta.narrow(1, 0, cs);
            var sliceScale = GaussianConditional.ScaleFromRaw(raw + delta.narrow(1, cs, cs));
            var yHat = (sliceMean + (ys - sliceMean).round()).detach();
            decoded.Add(QuantizeInput(yHat));
            var order = Config.SliceMembers(s);
            for (int j = 0; j < cs; j++)
            {
                means[order[j]] = sliceMean.narrow(1, j, 1);
                scales[order[j]] = sliceScale.narrow(1, j, 1);
            }
        }
        var mean = cat(means, 1).MoveToOuterDisposeScope();
        var scale = cat(scales, 1).MoveToOuterDisposeScope();
        return new ContextParameters(mean, scale);
    }
}
