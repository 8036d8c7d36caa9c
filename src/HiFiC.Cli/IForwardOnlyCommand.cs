using System.CommandLine;

namespace HiFiC.Cli;

/// <summary>
/// A command that, as parsed, runs the networks forward only (no training, no latent refinement):
/// <see cref="HiFiC.Codec.Networks.TorchRuntime.PrepareNative"/> is told so. No processor is capped any
/// more (the networks run channels-last); the distinction stays so that a cap a future kernel fault
/// needs can spare forward-only commands.
/// </summary>
public interface IForwardOnlyCommand
{
    bool ForwardOnly(ParseResult parse);
}
