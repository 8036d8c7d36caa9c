using System.Text.RegularExpressions;
using Azure;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Storage.Locations;

namespace HiFiC.Cluster.Silo.Jobs;

/// <summary>
/// Failure reasons as users see them (job status, the API, the dashboard): what went wrong in
/// words, never an exception's own text, which can carry connection strings, account names,
/// endpoints, signed URLs or paths outside the job. The full exception goes to the silo's log.
/// </summary>
public static partial class FailureText
{
    public const int MaxLength = 300;

    /// <summary>A user message for <paramref name="e"/>: the codec's reasons about the image, else by kind of failure.</summary>
    public static string ForUser(Exception e) => e switch
    {
        CodecInputException => Sanitize(e.Message),
        LocationRefusedException => Sanitize(e.Message),
        FileNotFoundException or DirectoryNotFoundException => "a file or folder it needs is missing",
        UnauthorizedAccessException => "access was denied (file permissions, or a link leading out of the allowed locations)",
        RequestFailedException r => r.Status > 0 ? $"the storage service refused the request (HTTP {r.Status})" : "the storage service could not be reached",
        TimeoutException or OperationCanceledException => "it took too long and was stopped",
        IOException => "a storage read or write failed",
        OutOfMemoryException or InsufficientExecutionStackException => "it needed more memory than the silo has",
        _ => $"an unexpected error ({e.GetType().Name}); the silo's log has the details",
    };

    /// <summary>
    /// Any stored reason made safe to show: the first line, secrets in key=value form and URLs
    /// blanked, at most <see cref="MaxLength"/> characters. Applied where reasons leave the
    /// cluster too, so reasons recorded by older builds are shown safely.
    /// </summary>
    public static string Sanitize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "unknown";
        var line = text.Split('\n', 2)[0].Trim();
        line = Secret().Replace(line, m => m.Groups[1].Value + "=***");
        line = Url().Replace(line, "[address]");
        return line.Length <= MaxLength ? line : line[..MaxLength] + "…";
    }

    [GeneratedRegex(@"(?i)\b(AccountKey|AccountName|SharedAccessKey|SharedAccessKeyName|SharedAccessSignature|Password|Pwd|User ?Id|sig|Endpoint|BlobEndpoint|QueueEndpoint|TableEndpoint|DefaultEndpointsProtocol|EntityPath)\s*=\s*[^;&\s]*")]
    private static partial Regex Secret();

    [GeneratedRegex(@"(?i)\b(?:https?|sb|amqps?|wss?)://\S+")]
    private static partial Regex Url();
}
