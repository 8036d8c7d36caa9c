namespace HiFiC.Cluster.Web.Tests.Hostile;

/// <summary>How a request presents the API key.</summary>
public enum KeyUse
{
    Valid,
    None,
    Wrong,
    /// <summary>The right key, one character longer (a prefix match would pass it).</summary>
    Longer,
    /// <summary>The right key in the dashboard's cookie (honoured for GET only).</summary>
    CookieOnPost,
    /// <summary>8 KiB starting with the right key: compared as hashes, so its length changes nothing.</summary>
    Huge,
}

/// <summary>
/// One hostile request: <see cref="Url"/> is sent exactly as written (no client-side
/// normalisation); "{root}" and "{outside}" stand for the fixture's folders. <see cref="Field"/>,
/// when set, is the field a 400's problem details must name.
/// </summary>
public sealed record Attack(
    string Name, string Endpoint, string Method, string Url, int Expected,
    string? Body = null, string ContentType = "application/json", KeyUse Key = KeyUse.Valid, string? Field = null);
