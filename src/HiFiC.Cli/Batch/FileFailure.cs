namespace HiFiC.Cli.Batch;

/// <summary>One failed file: a message for the user, and the exception for --verbose.</summary>
public sealed record FileFailure(FailureKind Kind, string Message, Exception Exception);
