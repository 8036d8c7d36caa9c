namespace HiFiC.Cli.Batch;

/// <summary>Why a file failed; decides the exit code and whether a stack trace could help.</summary>
public enum FailureKind
{
    /// <summary>The input is bad (not an image, corrupt or truncated .hific) or its output cannot be written.</summary>
    Input,
    /// <summary>The model needed is missing, damaged or not the one that wrote the file.</summary>
    Model,
    /// <summary>An exception nobody anticipated: a bug.</summary>
    Unexpected,
}
