using System.Text.RegularExpressions;

namespace HiFiC.Cluster.Contracts.Jobs;

/// <summary>
/// Failure reasons made safe to show (job status, the API, the dashboard): never an exception's
/// own text, which can carry connection strings, account names, endpoints, signed URLs or paths
/// outside the job. The silos write reasons with their FailureReason.ForUser; hosts showing
/// reasons sanitize them again here, so reasons recorded by older builds are shown safely.
/// </summary>
public static partial class FailureText
{
    public const int MaxLength = 300;

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
