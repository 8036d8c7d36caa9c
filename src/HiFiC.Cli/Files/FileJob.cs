namespace HiFiC.Cli.Files;

/// <summary>One input and where its result goes (null for commands that write nothing per file). Name is the path shown to the user.</summary>
public sealed record FileJob(string Input, string? Output, string Name);
