using System.CommandLine;

namespace HiFiC.Cli.Commands;

/// <summary>
/// A command that, as parsed, runs the networks forward only (no training, no latent refinement):
/// it may use AVX2 kernels, which read no unwritten padding in the lite preset's forward passes
/// (<see cref="HiFiC.Codec.Model.TorchRuntime.PrepareNative"/>).
/// </summary>
public interface IForwardOnlyCommand
{
    bool ForwardOnly(ParseResult parse);
}
