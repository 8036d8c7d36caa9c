using System.CommandLine;
using Microsoft.Extensions.Hosting;
using HiFiC.Cluster.Silo.Hosting;
using HiFiC.Cluster.Web.Hosting;

namespace HiFiC.Cli.Web;

/// <summary>
/// `hific web [--urls URL] [--KEY=VALUE...]`: the web host (API, dashboard, /metrics) with its own
/// silo in this process: the single-machine archive (HiFiC:Web:Mode=Embedded, the default). The web
/// project references the contracts only; this is the one place it is composed with the silo's
/// <see cref="HificSingleSilo"/>. With HiFiC:Web:Mode=Client it is the plain web host, as the web image runs it.
/// Arguments and settings are ASP.NET Core's (appsettings.json, environment, --Key=Value).
/// </summary>
public sealed class WebCommand : Command
{
    public WebCommand() : base("web", "Run the web host (API, dashboard, /metrics) with its own silo in this process (ASP.NET Core settings: --urls, --HiFiC:Web:Roots:0=DIR, environment).")
    {
        // Everything after `web` is the web host's: ASP.NET Core parses it.
        TreatUnmatchedTokensAsErrors = false;
        SetAction(async (r, ct) =>
        {
            await RunAsync(r.UnmatchedTokens.ToArray(), ct);
            return ExitCodes.Ok;
        });
    }

    public static async Task RunAsync(string[] args, CancellationToken ct)
    {
        var app = HificWeb.Build(HificWeb.CreateBuilder(args, embeddedSilo: HificSingleSilo.Configure));
        // Stops on Ctrl+C or SIGTERM (the host's own lifetime) or when the CLI cancels.
        await ((IHost)app).RunAsync(ct);
    }
}
