using System.CommandLine;

namespace HiFiC.Cli.Commands;

/// <summary>
/// A command that, as parsed, runs the networks forward only (no training, no latent refinement):
/// it may use wider CPU kernels on processors where only backward passes fault
/// (<see cref="HiFiC.Codec.Model.TorchRuntime.PrepareNative"/>).
/// </summary>
public interface IForwardOnlyCommand
{
    bool ForwardOnly(ParseResult parse);
}
