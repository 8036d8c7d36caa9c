using System.Security.Cryptography;
using System.Text;
using HiFiC.Cluster.Web.Hosting;
using Microsoft.Extensions.Options;

namespace HiFiC.Cluster.Web.Api;

public enum AccessLevel
{
    /// <summary>Status reads: open when HiFiC:Web:PublicReadOnly is true, else keyed.</summary>
    Read,
    /// <summary>Mutations and restores: always keyed.</summary>
    Protected,
}

/// <summary>
/// The API key check: X-Api-Key or Authorization: Bearer, compared in constant time with
/// HiFiC:Web:ApiKey. With no key configured, keyed calls are refused (fail closed).
/// </summary>
public sealed class ApiKeyFilter(AccessLevel level) : IEndpointFilter
{
    public const string Header = "X-Api-Key";
    /// <summary>The dashboard page stores the key in this cookie (SameSite=Strict) for pages it cannot add headers to; honoured for GET only, so it cannot drive a mutation.</summary>
    public const string Cookie = "hific-api-key";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var options = http.RequestServices.GetRequiredService<IOptions<WebOptions>>().Value;
        if (level == AccessLevel.Read && options.PublicReadOnly) return next(context);
        if (string.IsNullOrEmpty(options.ApiKey))
            return ValueTask.FromResult<object?>(Results.Problem(statusCode: 401, title: "Unauthorized",
                detail: "This server has no API key configured (HiFiC:Web:ApiKey), so keyed calls are disabled."));
        var presented = Presented(http.Request);
        if (presented is null || !Matches(presented, options.ApiKey))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return ValueTask.FromResult<object?>(Results.Problem(statusCode: 401, title: "Unauthorized",
                detail: presented is null ? $"An API key is required ({Header} header or Authorization: Bearer)." : "The API key is not valid."));
        }
        return next(context);
    }

    private static string? Presented(HttpRequest request)
    {
        if (request.Headers.TryGetValue(Header, out var key) && !string.IsNullOrEmpty(key)) return key.ToString();
        var auth = request.Headers.Authorization.ToString();
        if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return auth["Bearer ".Length..].Trim();
        if ((HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && request.Cookies.TryGetValue(Cookie, out var c) && !string.IsNullOrEmpty(c))
            return Uri.UnescapeDataString(c);
        return null;
    }

    private static bool Matches(string presented, string expected)
    {
        var a = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var b = SHA256.HashData(Encoding.UTF8.GetBytes(expected));
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
