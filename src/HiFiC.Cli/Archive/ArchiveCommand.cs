using System.CommandLine;

namespace HiFiC.Cli.Archive;

/// <summary>
/// `hific archive compress|restore`: whole-archive jobs on an in-process Orleans silo (the
/// cluster's embedded mode). The same job runs unchanged on a real cluster; here the queue,
/// storage and model pool are all local.
/// </summary>
public sealed class ArchiveCommand : Command
{
    public ArchiveCommand(CliContext cli) : base("archive", "Recompress a whole folder into an archive, or restore one (runs an in-process cluster silo).")
    {
        Add(new ArchiveCompressCommand(cli));
        Add(new ArchiveRestoreCommand(cli));
    }

    /// <summary>--out, with the --output/-o spellings the other commands use.</summary>
    internal static Option<string> Out(string description) => new("--out", "-o", "--output") { Description = description, Required = true };
}
