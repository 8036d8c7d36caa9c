using System.Text.Json;

namespace HiFiC.Cluster.Web.Tests.Hostile;

/// <summary>
/// The attack table: every endpoint that takes a path or a job id, with traversal in all its
/// encodings, links out of the root, link loops, huge regions, malformed and oversized bodies,
/// missing and wrong keys. Each is refused with the status given; docs/security-requests.md lists
/// the same table.
/// </summary>
public static class Attacks
{
    private const string Jobs = "POST /api/jobs";
    private const string JobGet = "GET /api/jobs/{id}";
    private const string JobControl = "POST /api/jobs/{id}/pause|resume|cancel";
    private const string Images = "GET /api/jobs/{id}/images";
    private const string Entries = "GET /api/jobs/{id}/entries";
    private const string Restore = "GET /api/images/{**path}";
    private const string Originals = "GET /api/originals/{**path}";
    private const string Silos = "/api/silos/{silo}";
    private const string Dashboard = "GET /orleans/*";

    private static string Job(string source, string destination = "archive-attack", string? id = null) =>
        JsonSerializer.Serialize(new { id, source, destination, tileSize = 64 });

    public static readonly Attack[] All =
    [
        // Job locations: the canonical check, one field named per refusal.
        new("percent-encoded dots (%2e%2e) x6 to /etc", Jobs, "POST", "/api/jobs", 400, Job("%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc"), Field: "source"),
        new("upper-case encoded dots (%2E%2E)", Jobs, "POST", "/api/jobs", 400, Job("%2E%2E/%2E%2E/etc"), Field: "source"),
        new("encoded slash (..%2f)", Jobs, "POST", "/api/jobs", 400, Job("..%2f..%2fetc"), Field: "source"),
        new("double encoding (%252e%252e)", Jobs, "POST", "/api/jobs", 400, Job("%252e%252e/%252e%252e/etc"), Field: "source"),
        new("overlong UTF-8 dot (%c0%ae)", Jobs, "POST", "/api/jobs", 400, Job("%c0%ae%c0%ae/%c0%ae%c0%ae/etc"), Field: "source"),
        new("plain ../ traversal", Jobs, "POST", "/api/jobs", 400, Job("originals/../../../etc"), Field: "source"),
        new("backslash traversal (..\\..\\)", Jobs, "POST", "/api/jobs", 400, Job("..\\..\\etc"), Field: "source"),
        new("absolute path outside the roots (/etc)", Jobs, "POST", "/api/jobs", 400, Job("/etc"), Field: "source"),
        new("drive letter with backslash (C:\\Windows)", Jobs, "POST", "/api/jobs", 400, Job("C:\\Windows"), Field: "source"),
        new("drive letter (C:/Windows)", Jobs, "POST", "/api/jobs", 400, Job("C:/Windows"), Field: "source"),
        new("fullwidth dots and slash (U+FF0E U+FF0F)", Jobs, "POST", "/api/jobs", 400, Job("\uFF0E\uFF0E\uFF0F\uFF0E\uFF0E\uFF0Fetc"), Field: "source"),
        new("one-dot leaders (U+2024)", Jobs, "POST", "/api/jobs", 400, Job("\u2024\u2024/\u2024\u2024/etc"), Field: "source"),
        new("division slash (U+2215)", Jobs, "POST", "/api/jobs", 400, Job("..\u2215..\u2215etc"), Field: "source"),
        new("NUL in the path", Jobs, "POST", "/api/jobs", 400, Job("originals\0/../../etc"), Field: "source"),
        new("right-to-left override (U+202E)", Jobs, "POST", "/api/jobs", 400, Job("originals\u202E"), Field: "source"),
        new("over-long location (5000 chars)", Jobs, "POST", "/api/jobs", 400, Job(string.Concat(Enumerable.Repeat("a/", 2500))), Field: "source"),
        new("file:// URI to /etc", Jobs, "POST", "/api/jobs", 400, Job("file:///etc"), Field: "source"),
        new("file:// URI with encoded dots under the root", Jobs, "POST", "/api/jobs", 400, Job("file://{root}/%2e%2e/outside"), Field: "source"),
        new("other scheme (cloud metadata URL)", Jobs, "POST", "/api/jobs", 400, Job("http://169.254.169.254/latest/meta-data"), Field: "source"),
        new("blob container outside the roots", Jobs, "POST", "/api/jobs", 400, Job("azblob://other/photos"), Field: "source"),
        new("source through a link to / (originals/r/etc)", Jobs, "POST", "/api/jobs", 400, Job("originals/r/etc"), Field: "source"),
        new("source is a link out of the root", Jobs, "POST", "/api/jobs", 400, Job("originals/out"), Field: "source"),
        new("source is a link loop", Jobs, "POST", "/api/jobs", 400, Job("originals/self"), Field: "source"),
        new("destination through a link out (write outside)", Jobs, "POST", "/api/jobs", 400, Job("originals", "originals/out/evil"), Field: "destination"),
        new("destination absolute outside the roots", Jobs, "POST", "/api/jobs", 400, Job("originals", "{outside}/evil"), Field: "destination"),
        new("destination ../ out of the root", Jobs, "POST", "/api/jobs", 400, Job("originals", "../outside/evil"), Field: "destination"),
        new("job id with traversal", Jobs, "POST", "/api/jobs", 400, Job("originals", id: "../../etc"), Field: "id"),
        new("malformed JSON", Jobs, "POST", "/api/jobs", 400, "{\"source\": \"originals\", "),
        new("JSON of the wrong shape (number for source)", Jobs, "POST", "/api/jobs", 400, "{\"source\": 5, \"destination\": []}"),
        new("JSON nested 10000 deep", Jobs, "POST", "/api/jobs", 400, "{\"source\":" + new string('[', 10000) + new string(']', 10000) + "}"),
        new("empty body", Jobs, "POST", "/api/jobs", 400, "", Field: "body"),
        new("not JSON (text/plain)", Jobs, "POST", "/api/jobs", 415, "source=/etc", ContentType: "text/plain"),
        new("oversized body (1 MiB)", Jobs, "POST", "/api/jobs", 413, Job(new string('a', 1 << 20))),
        new("no API key", Jobs, "POST", "/api/jobs", 401, Job("originals"), Key: KeyUse.None),
        new("wrong API key", Jobs, "POST", "/api/jobs", 401, Job("originals"), Key: KeyUse.Wrong),
        new("API key plus one character", Jobs, "POST", "/api/jobs", 401, Job("originals"), Key: KeyUse.Longer),
        new("API key in the cookie on a POST", Jobs, "POST", "/api/jobs", 401, Job("originals"), Key: KeyUse.CookieOnPost),
        new("API key of 8 KiB", Jobs, "POST", "/api/jobs", 401, Job("originals"), Key: KeyUse.Huge),

        // Stored jobs and job ids.
        new("stored job whose source became a link out", JobGet, "GET", "/api/jobs/swapped", 403),
        new("job id with encoded slashes", JobGet, "GET", "/api/jobs/..%2F..%2Fetc", 400, Field: "id"),
        // Kestrel refuses an encoded NUL in the request target itself (400, before routing).
        new("job id with NUL", JobGet, "GET", "/api/jobs/good%00", 400),
        new("job id of fullwidth dots", JobGet, "GET", "/api/jobs/%EF%BC%8E%EF%BC%8E", 400, Field: "id"),
        new("job id of 300 characters", JobGet, "GET", "/api/jobs/" + new string('a', 300), 400, Field: "id"),
        new("control with traversal id", JobControl, "POST", "/api/jobs/..%2F..%2Fx/cancel", 400, Field: "id"),
        new("control without a key", JobControl, "POST", "/api/jobs/good/pause", 401, Key: KeyUse.None),
        new("control with the cookie only", JobControl, "POST", "/api/jobs/good/cancel", 401, Key: KeyUse.CookieOnPost),
        new("archived list of a job whose source left the root", Images, "GET", "/api/jobs/swapped/images", 403),
        new("archived list with a traversal cursor", Images, "GET", "/api/jobs/good/images?cursor=../../etc", 400, Field: "cursor"),
        new("archived list without a key", Images, "GET", "/api/jobs/good/images", 401, Key: KeyUse.None),

        // Restores.
        new("restore ..%2F traversal", Restore, "GET", "/api/images/..%2F..%2Fetc%2Fpasswd?job=good", 400, Field: "path"),
        new("restore double-encoded dots", Restore, "GET", "/api/images/%252e%252e/%252e%252e/etc/passwd?job=good", 400, Field: "path"),
        new("restore fullwidth dots", Restore, "GET", "/api/images/%EF%BC%8E%EF%BC%8E/%EF%BC%8E%EF%BC%8E/etc/passwd?job=good", 400, Field: "path"),
        new("restore backslash traversal", Restore, "GET", "/api/images/..%5C..%5Cetc%5Cpasswd?job=good", 400, Field: "path"),
        new("restore NUL in the path", Restore, "GET", "/api/images/img0.png%00.txt?job=good", 400),
        new("restore ?archive=/etc", Restore, "GET", "/api/images/passwd?archive=/etc", 400, Field: "archive"),
        new("restore ?archive= encoded traversal", Restore, "GET", "/api/images/passwd?archive=%2e%2e%2f%2e%2e%2fetc", 400, Field: "archive"),
        new("restore ?archive= through a link out", Restore, "GET", "/api/images/sentinel.png?archive=originals/out", 400, Field: "archive"),
        new("restore ?archive= link loop", Restore, "GET", "/api/images/x.png?archive=originals/self", 400, Field: "archive"),
        new("restore ?job= with traversal", Restore, "GET", "/api/images/img0.png?job=..%2F..%2Fetc", 400, Field: "job"),
        new("restore of a job whose source left the root", Restore, "GET", "/api/images/img0.png?job=swapped", 403),
        new("restore region of 10^10 pixels", Restore, "GET", "/api/images/img0.png?job=good&region=0,0,100000,100000", 400, Field: "region"),
        new("restore region of int.MaxValue squared", Restore, "GET", "/api/images/img0.png?job=good&region=0,0,2147483647,2147483647", 400, Field: "region"),
        new("restore region beyond int", Restore, "GET", "/api/images/img0.png?job=good&region=0,0,99999999999,1", 400, Field: "region"),
        new("restore region negative", Restore, "GET", "/api/images/img0.png?job=good&region=-1,0,10,10", 400, Field: "region"),
        new("restore region outside the image", Restore, "GET", "/api/images/img0.png?job=good&region=2147483000,0,64,64", 400, Field: "region"),
        new("restore region malformed", Restore, "GET", "/api/images/img0.png?job=good&region=1,2,3", 400, Field: "region"),
        new("restore without a key", Restore, "GET", "/api/images/img0.png?job=good", 401, Key: KeyUse.None),
        // Output parameters (issue 19): formats, qualities and sizes outside the bounds, and overflows.
        new("restore unknown format", Restore, "GET", "/api/images/img0.png?job=good&format=svg", 400, Field: "format"),
        new("restore format with a path in it", Restore, "GET", "/api/images/img0.png?job=good&format=..%2F..%2Fetc", 400, Field: "format"),
        new("restore quality 0", Restore, "GET", "/api/images/img0.png?job=good&format=jpeg&quality=0", 400, Field: "quality"),
        new("restore quality 101", Restore, "GET", "/api/images/img0.png?job=good&format=webp&quality=101", 400, Field: "quality"),
        new("restore quality negative", Restore, "GET", "/api/images/img0.png?job=good&format=jpeg&quality=-5", 400, Field: "quality"),
        new("restore quality for png", Restore, "GET", "/api/images/img0.png?job=good&format=png&quality=50", 400, Field: "quality"),
        new("restore width 0", Restore, "GET", "/api/images/img0.png?job=good&width=0", 400, Field: "width"),
        new("restore width over the bound", Restore, "GET", "/api/images/img0.png?job=good&width=8193", 400, Field: "width"),
        new("restore width beyond int", Restore, "GET", "/api/images/img0.png?job=good&width=99999999999", 400, Field: "width"),
        new("restore height not a number", Restore, "GET", "/api/images/img0.png?job=good&height=1e9", 400, Field: "height"),
        new("restore height negative", Restore, "GET", "/api/images/img0.png?job=good&height=-1", 400, Field: "height"),
        new("restore v not a tag", Restore, "GET", "/api/images/img0.png?job=good&v=..%2F..", 400, Field: "v"),
        new("restore traversal with a thumbnail size", Restore, "GET", "/api/images/..%2F..%2Fetc%2Fpasswd?job=good&width=64&format=webp", 400, Field: "path"),
        new("restore ?archive=/etc with a format", Restore, "GET", "/api/images/passwd?archive=/etc&format=jpeg", 400, Field: "archive"),

        // Originals: only what the job archived.
        new("original ..%2F traversal", Originals, "GET", "/api/originals/..%2F..%2Fetc%2Fpasswd?job=good", 400, Field: "path"),
        new("original through the link to / (r/etc/passwd)", Originals, "GET", "/api/originals/r/etc/passwd?job=good", 404),
        new("original: file link out of the source", Originals, "GET", "/api/originals/outfile.png?job=good", 404),
        new("original: folder link out of the source", Originals, "GET", "/api/originals/out/sentinel.png?job=good", 404),
        new("original: link loop", Originals, "GET", "/api/originals/loop/loop/img0.png?job=good", 404),
        new("original: hidden file in the source", Originals, "GET", "/api/originals/.secret.png?job=good", 404),
        new("original: non-image in the source", Originals, "GET", "/api/originals/notes.txt?job=good", 404),
        new("original of a job whose source left the root", Originals, "GET", "/api/originals/img0.png?job=swapped", 403),
        new("original without ?job=", Originals, "GET", "/api/originals/img0.png?archive=originals", 400, Field: "job"),
        new("original without a key", Originals, "GET", "/api/originals/img0.png?job=good", 401, Key: KeyUse.None),
        new("original NUL in ?job=", Originals, "GET", "/api/originals/img0.png?job=good%00", 400, Field: "job"),

        // Silo ids and bodies.
        new("silo id with traversal", Silos, "GET", "/api/silos/..%2F..%2Fetc", 400, Field: "silo"),
        new("silo concurrency malformed JSON", Silos, "PUT", "/api/silos/S127.0.0.1:1:1/concurrency", 400, "{\"concurrency\": "),
        new("silo concurrency oversized body", Silos, "PUT", "/api/silos/S127.0.0.1:1:1/concurrency", 413, "{\"concurrency\": 1, \"x\": \"" + new string('a', 1 << 20) + "\"}"),

        // The Orleans Dashboard: keyed even with PublicReadOnly.
        new("Orleans Dashboard page without a key", Dashboard, "GET", "/orleans/", 401, Key: KeyUse.None),
        new("Orleans Dashboard trace stream without a key", Dashboard, "GET", "/orleans/Trace", 401, Key: KeyUse.None),
        new("Orleans Dashboard grain state without a key", Dashboard, "GET", "/orleans/GrainState?grainId=good&grainType=HiFiC.Cluster.Silo.Jobs.ArchiveJobGrain", 401, Key: KeyUse.None),
        new("Orleans Dashboard cluster stats with a wrong key", Dashboard, "GET", "/orleans/ClusterStats", 401, Key: KeyUse.Wrong),
        // The archive browser (issue 19 item 5): same job checks, and its paging parameters bounded.
        new("entries of a job whose source left the root", Entries, "GET", "/api/jobs/swapped/entries", 403),
        new("entries without a key", Entries, "GET", "/api/jobs/good/entries", 401, Key: KeyUse.None),
        new("entries with a traversal id", Entries, "GET", "/api/jobs/..%2F..%2Fetc/entries", 400, Field: "id"),
        new("entries page beyond int", Entries, "GET", "/api/jobs/good/entries?page=99999999999", 400, Field: "page"),
        new("entries page size of a million", Entries, "GET", "/api/jobs/good/entries?pageSize=1000000", 400, Field: "pageSize"),
        new("entries search of 1,000 characters", Entries, "GET", "/api/jobs/good/entries?q=" + new string('a', 1_000), 400, Field: "q"),
        new("entries search with NUL", Entries, "GET", "/api/jobs/good/entries?q=a%00b", 400, Field: "q"),
        new("entries unknown sort", Entries, "GET", "/api/jobs/good/entries?sort=path;drop", 400, Field: "sort"),
    ];

    public static IEnumerable<object[]> Names => All.Select(a => new object[] { a.Name });
}
