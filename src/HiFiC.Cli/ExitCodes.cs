namespace HiFiC.Cli;

/// <summary>
/// Process exit codes. Scripts over large archives branch on these, so they are part of the
/// command's contract (documented in `hific --help` and docs/cli.md).
/// </summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>At least one input failed (bad image, corrupt .hific, output exists, latent mismatch); the others were done.</summary>
    public const int InputsFailed = 1;
    /// <summary>Bad command line: unknown option, malformed value, missing input.</summary>
    public const int Usage = 2;
    /// <summary>A needed model is not installed, is damaged, or is not the one that wrote the file. Wins over 1.</summary>
    public const int Model = 3;
    /// <summary>A bug: an unexpected exception (run with --verbose for the stack trace).</summary>
    public const int Internal = 4;
    /// <summary>Cancelled by Ctrl+C or SIGTERM (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;

    public const string HelpText =
        "Exit codes: 0 success; 1 some inputs failed (the rest were done); 2 bad arguments; " +
        "3 model not found, damaged or not the one that wrote the file; 4 internal error; 130 cancelled (Ctrl+C).";
}
