using HiFiC.Cli.Archive;
using HiFiC.Cli.Files;
using HiFiC.Codec.Models;
using Spectre.Console;

namespace HiFiC.Cli.Tests;

public sealed class ForwardOnlyTests
{
    private static CliContext Cli()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) });
        return new CliContext(console, console, false, TextWriter.Null, () => new ModelRegistry([]));
    }

    [Fact]
    public void Compressing_is_forward_only_unless_it_refines()
    {
        var compress = new CompressCommand(Cli());
        Assert.True(compress.ForwardOnly(compress.Parse("a.png")));
        Assert.False(compress.ForwardOnly(compress.Parse("a.png --refine 5")));
        Assert.False(compress.ForwardOnly(compress.Parse("a.png --effort balanced")));
        Assert.True(compress.ForwardOnly(compress.Parse("a.png --effort fast")));
    }

    [Fact]
    public void Decoding_commands_are_forward_only()
    {
        var decompress = new DecompressCommand(Cli());
        Assert.True(decompress.ForwardOnly(decompress.Parse("a.hific")));
        var restore = new ArchiveRestoreCommand(Cli());
        Assert.True(restore.ForwardOnly(restore.Parse("archive --out x")));
    }
}
