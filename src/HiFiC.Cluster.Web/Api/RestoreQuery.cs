using System.Text.RegularExpressions;
using HiFiC.Cluster.Contracts.Restore;
using Microsoft.Net.Http.Headers;

namespace HiFiC.Cluster.Web.Api;

/// <summary>
/// The output half of GET /api/images/{path}: the answer's caching headers (ETag, Cache-Control,
/// Content-Disposition, 304) and its streaming. Format, quality and size bounds are the codec's rules,
/// asked of the silos (<see cref="IRestoreOutputGrain"/>) before anything is read.
/// </summary>
internal static partial class RestoreQuery
{
    /// <summary>A year: the longest a content-addressed restore is kept (it can never change under its URL).</summary>
    private const int ImmutableSeconds = 365 * 24 * 3600;

    [GeneratedRegex("^[0-9a-f]{32}$")] private static partial Regex Version();

    public static bool IsVersion(string v) => Version().IsMatch(v);

    /// <summary>The request field a silo's <see cref="RestoreLimitException"/> message is about (its messages start with it).</summary>
    public static string FieldOf(string message)
    {
        foreach (var f in new[] { "format", "quality", "width", "height" })
            if (message.StartsWith(f + " ", StringComparison.Ordinal)) return f;
        return "region";
    }

    /// <summary>A restore under way: its head (the image without its bytes), their length, and the stream of the rest.</summary>
    public sealed record Streamed(RestoredImage Head, long Length, IAsyncEnumerator<RestoreChunk> Body);

    /// <summary>
    /// Starts a streamed restore (<see cref="IRestoreStreamGrain"/>) and reads its head. Throws what the
    /// silo threw (limits, missing or damaged entries), before any byte of the answer is written.
    /// </summary>
    public static async Task<Streamed> StartAsync(IGrainFactory grains, RestoreRequest request, CancellationToken ct)
    {
        var body = grains.GetGrain<IRestoreStreamGrain>(Guid.NewGuid()).RestoreAsync(request, ct).GetAsyncEnumerator(ct);
        try
        {
            var (head, length) = await RestoreStreams.ReadHeadAsync(body);
            return new Streamed(head, length, body);
        }
        catch
        {
            await body.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// As <see cref="Respond"/>, writing the bytes to the response as their chunks arrive from the
    /// silo (with Content-Length from the head): the web host never holds the whole image.
    /// </summary>
    public static async Task<IResult> RespondAsync(HttpContext http, Streamed image, string imagePath, string? v, bool varyOnAccept)
    {
        var result = Respond(http, image.Head, imagePath, v, varyOnAccept, streamed: true);
        if (image.Head.NotModified)
        {
            await image.Body.DisposeAsync();
            return result;
        }
        return Results.Stream(async response =>
        {
            await using var body = image.Body;
            http.Response.ContentLength = image.Length;
            await RestoreStreams.CopyToAsync(body, image.Length, response, http.RequestAborted);
        }, image.Head.ContentType);
    }

    /// <summary>304 when the client's copy is current; otherwise the bytes with ETag, Cache-Control and an inline filename.</summary>
    public static IResult Respond(HttpContext http, RestoredImage image, string imagePath, string? v, bool varyOnAccept, bool streamed = false)
    {
        var headers = http.Response.Headers;
        if (varyOnAccept) headers.Vary = "Accept";
        if (image.ETag is { } etag)
        {
            headers.ETag = etag;
            // A URL naming the current version never changes meaning: cache it for good. Any other URL is
            // revalidated (a 304 costs one manifest read). Private: restores sit behind the API key.
            headers.CacheControl = v is not null && etag == $"\"{v}\""
                ? $"private, max-age={ImmutableSeconds}, immutable"
                : "private, no-cache";
        }
        if (image.NotModified) return Results.StatusCode(StatusCodes.Status304NotModified);
        var name = FileName(imagePath, image);
        headers.ContentDisposition = new ContentDispositionHeaderValue("inline") { FileName = Ascii(name), FileNameStar = name }.ToString();
        return streamed ? Results.Empty : Results.File(image.Png, image.ContentType);
    }

    /// <summary>The original's name with the served format's extension ("a.png" served as WebP: "a.webp"); an original's own bytes keep its name.</summary>
    private static string FileName(string imagePath, RestoredImage image)
    {
        var name = Path.GetFileName(imagePath);
        var ext = image.ContentType switch
        {
            "image/jpeg" => ".jpg",
            "image/webp" => ".webp",
            "image/png" => ".png",
            _ => null,
        };
        if (ext is null || (image.Original && string.Equals(Path.GetExtension(name), ext, StringComparison.OrdinalIgnoreCase))) return name;
        if (image.ContentType == "image/jpeg" && Path.GetExtension(name).ToLowerInvariant() is ".jpg" or ".jpeg") return name;
        return Path.ChangeExtension(name, ext);
    }

    private static string Ascii(string name) => new(name.Select(c => c is >= ' ' and < (char)127 && c != '"' && c != '\\' ? c : '_').ToArray());
}
