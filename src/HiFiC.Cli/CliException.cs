namespace HiFiC.Cli;

/// <summary>A failure whose message is for the user as is (no stack trace) and which ends the command with <see cref="ExitCode"/>.</summary>
public class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>The command line asks for something impossible: exit 2.</summary>
public sealed class UsageException(string message) : CliException(ExitCodes.Usage, message);
