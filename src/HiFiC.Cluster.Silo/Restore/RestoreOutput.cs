using System.Security.Cryptography;
using System.Text;
using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Codec.Imaging.Output;

namespace HiFiC.Cluster.Silo.Restore;

/// <summary>
/// What a <see cref="RestoreRequest"/> asks to be written, and the strong entity tag of the answer.
/// The tag is a hash of everything that decides the bytes: the stored entry (its SHA-256, which
/// pins the bitstream and so its header's rate and tiles), the model digest, and the output
/// parameters; re-archiving an image with other settings changes it.
/// </summary>
public static class RestoreOutput
{
    /// <summary>The output options asked for; null when an original kept as it was should come back as its own bytes.</summary>
    /// <exception cref="RestoreLimitException">A format, quality or size outside the bounds (checked again here: the silo does not trust its callers).</exception>
    public static ImageOutputOptions? Of(RestoreRequest request, bool original)
    {
        var format = OutputFormat.Png;
        if (request.Format is { } name && !OutputFormats.TryParse(name, out format))
            throw new RestoreLimitException($"format '{name}' is not one of png, jpeg, webp");
        var options = new ImageOutputOptions(format, request.Quality, request.Width, request.Height);
        if (options.Problems() is { Count: > 0 } problems)
            throw new RestoreLimitException(string.Join("; ", problems.Select(p => $"{p.Field} {p.Message}")));
        bool asIs = original && request.Region is null && !request.AsPng && request.Format is null && !options.Resizes;
        return asIs ? null : options;
    }

    /// <summary>A quoted strong ETag for the restore of <paramref name="manifest"/>'s entry as <paramref name="request"/> asks.</summary>
    public static string ETag(ArchiveManifest manifest, RestoreRequest request)
    {
        var output = Of(request, manifest.IsOriginal);
        var r = request.Region;
        var key = string.Join('|', "hific-restore-v1", manifest.OutputSha256, manifest.ModelDigest,
            output is null ? "as-stored" : $"{OutputFormats.Name(output.Format)}:{(output.Format == OutputFormat.Png ? 0 : output.EffectiveQuality)}",
            output?.Width, output?.Height, r is null ? "" : $"{r.X},{r.Y},{r.Width},{r.Height}");
        return "\"" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32] + "\"";
    }

    /// <summary>True when an If-None-Match value (a list of tags, or *) names <paramref name="etag"/>; weak tags compare by their value, as RFC 9110 asks for this header.</summary>
    public static bool Matches(string? ifNoneMatch, string etag)
    {
        if (string.IsNullOrWhiteSpace(ifNoneMatch)) return false;
        foreach (var raw in ifNoneMatch.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var tag = raw.StartsWith("W/", StringComparison.Ordinal) ? raw[2..] : raw;
            if (tag == "*" || tag == etag) return true;
        }
        return false;
    }
}
