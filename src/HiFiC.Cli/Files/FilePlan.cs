namespace HiFiC.Cli.Files;

/// <summary>The files a command will process, decided before anything is written (so outputs never feed back as inputs).</summary>
/// <param name="IsBatch">The input was a folder: show progress and a summary instead of a single result line.</param>
/// <param name="Ignored">Files in the folder without a matching extension, counted so the user sees they were skipped.</param>
public sealed record FilePlan(IReadOnlyList<FileJob> Jobs, bool IsBatch, int Ignored);
