using Azure;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Storage.Locations;

namespace HiFiC.Cluster.Silo.Jobs;

/// <summary>
/// Failure reasons as users see them (job status, the API, the dashboard): what went wrong in
/// words, never an exception's own text (see the contracts' <see cref="FailureText"/>). The full exception goes to the silo's log.
/// </summary>
public static class FailureReason
{
    /// <summary>A user message for <paramref name="e"/>: the codec's reasons about the image, else by kind of failure.</summary>
    public static string ForUser(Exception e) => e switch
    {
        CodecInputException => FailureText.Sanitize(e.Message),
        LocationRefusedException => FailureText.Sanitize(e.Message),
        FileNotFoundException or DirectoryNotFoundException => "a file or folder it needs is missing",
        UnauthorizedAccessException => "access was denied (file permissions, or a link leading out of the allowed locations)",
        RequestFailedException r => r.Status > 0 ? $"the storage service refused the request (HTTP {r.Status})" : "the storage service could not be reached",
        TimeoutException or OperationCanceledException => "it took too long and was stopped",
        IOException => "a storage read or write failed",
        OutOfMemoryException or InsufficientExecutionStackException => "it needed more memory than the silo has",
        _ => $"an unexpected error ({e.GetType().Name}); the silo's log has the details",
    };
}
