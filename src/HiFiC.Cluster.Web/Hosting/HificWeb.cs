using HiFiC.Cluster.Contracts.Hosting;
using HiFiC.Cluster.Web.Api;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.FileProviders;
using OpenTelemetry.Metrics;
using Orleans.Dashboard;

namespace HiFiC.Cluster.Web.Hosting;

/// <summary>
/// Builds the web host: HTTP API, dashboard, /metrics, and either an embedded silo (default; handed
/// over by the host that composes this project with the silo's: `hific web`) or an Orleans client.
/// The web host depends on the contracts only: what it reads of storage comes through grains.
/// Split in two so tests (and other hosts) can add services between the steps,
/// e.g. their own ICodecModelSource before the silo's defaults (which are TryAdd).
/// </summary>
public static class HificWeb
{
    /// <summary>Largest request body under /api (a job request is well under 1 KiB).</summary>
    public const long MaxApiBodyBytes = 64 * 1024;

    /// <param name="embeddedSilo">Configures the silo of embedded mode (the silo project's HificSingleSilo.Configure, handed over by
    /// the host that references both: `hific web`, the tests); null = client mode only.</param>
    public static WebApplicationBuilder CreateBuilder(string[] args, WebApplicationOptions? options = null,
        Action<ISiloBuilder, IConfiguration, SingleSiloSettings>? embeddedSilo = null)
    {
        var builder = WebApplication.CreateBuilder(options ?? new WebApplicationOptions { Args = args });
        // The shipped defaults next to the assembly, below everything else (content-root files, environment, arguments),
        // so `dotnet run --project` from any folder gets them.
        var shipped = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        if (File.Exists(shipped) && Path.GetFullPath(builder.Environment.ContentRootPath) != Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory))
        {
            var source = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource { Path = shipped, Optional = true };
            source.ResolveFileProvider();
            builder.Configuration.Sources.Insert(0, source);
        }
        var web = builder.Configuration.GetSection(WebOptions.Section).Get<WebOptions>() ?? new WebOptions();
        builder.Services.Configure<WebOptions>(builder.Configuration.GetSection(WebOptions.Section));
        // Checked at start: a broken setting stops the host with a message naming its key.
        builder.Services.AddOptions<WebOptions>().ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<WebOptions>, WebOptionsValidator>();
        builder.Services.Configure<Scaling.ScalingOptions>(builder.Configuration.GetSection(Scaling.ScalingOptions.Section));

        if (web.IsClient)
        {
            builder.UseOrleansClient(client =>
            {
                // Static gateways (any silo whose gateway is reachable, whatever its clustering), or the cluster
                // the `hific silo` processes describe (HiFiC:Cluster); TLS from HiFiC:Cluster:Tls either way.
                // Started beside the silos (a terminal each, compose, a pod), the web host may come up first: it waits for a gateway.
                if (web.Gateways.Count > 0) client.UseStaticGateways(builder.Configuration, web.Gateways, web.ServiceId, web.ClusterId, web.ConnectTimeout, TimeSpan.FromSeconds(1));
                else client.UseHificCluster(builder.Configuration, web.ConnectTimeout, TimeSpan.FromSeconds(1));
                // The Orleans Dashboard's grains run on the silos (`hific silo` adds them); this side only serves its pages.
                if (web.OrleansDashboard != false) client.AddDashboard();
            });
        }
        else
        {
            // The silo in this process is not this project's (it references the contracts only): the host that
            // composes both (`hific web`) hands it over. Without one, embedded mode cannot start.
            if (embeddedSilo is null)
                throw new InvalidOperationException($"{WebOptions.Section}:Mode=Embedded runs a silo in this process, which this host does not carry: " +
                    $"run `hific web` (the web endpoints with their own silo), or set {WebOptions.Section}:Mode=Client to join silos started with `hific silo`.");
            var settings = new SingleSiloSettings(web.SiloPort, web.GatewayPort, web.ServiceId, web.ClusterId,
                string.IsNullOrWhiteSpace(web.StateFolder) ? null : Path.GetFullPath(web.StateFolder, builder.Environment.ContentRootPath),
                // Storage in this process (the silo's jobs, restores, originals) is confined to the web's roots unless HiFiC:Storage:Roots names its own.
                LocationPolicy.RootsOf(web).Select(r => r.Contains("://", StringComparison.Ordinal) ? r : Path.GetFullPath(r, builder.Environment.ContentRootPath)).ToList());
            builder.UseOrleans(silo =>
            {
                embeddedSilo(silo, builder.Configuration, settings);
                if (web.OrleansDashboard != false) silo.AddDashboard();
            });
        }

        builder.Services.AddProblemDetails();
        // Container and Kubernetes probes (deploy/, helm/): the host serves requests, so its Orleans side has started.
        builder.Services.AddHealthChecks();
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        builder.Services.AddSingleton<LocationPolicy>();
        builder.Services.AddSingleton<ClusterMonitor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ClusterMonitor>());
        // The standard instrumentation beside the archive's own: HTTP server requests (http_server_request_duration_seconds)
        // and the .NET runtime (GC, thread pool, exceptions: process_runtime_dotnet_*).
        builder.Services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(ClusterMonitor.SiloMeterName, ClusterMonitor.MeterName)
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        return builder;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.UseExceptionHandler(error => error.Run(async context =>
        {
            // Never echo the exception: storage errors can carry account names, URIs or keys.
            var e = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            app.Logger.LogError(e, "Unhandled error on {Path}", context.Request.Path);
            await Results.Problem(statusCode: 500, title: "Internal error",
                detail: $"The request failed on the server (trace {context.TraceIdentifier}); see the server log.").ExecuteAsync(context);
        }));
        app.UseStatusCodePages();
        app.Use((context, next) =>
        {
            // API bodies are small JSON: a large one is refused (413) before anything reads it.
            if (context.Request.Path.StartsWithSegments("/api")
                && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                limit.MaxRequestBodySize = MaxApiBodyBytes;
            context.Response.Headers.XContentTypeOptions = "nosniff";
            // Image bytes from storage are never a document: no script, no subresources, even if opened directly.
            if (context.Request.Path.StartsWithSegments("/api/images") || context.Request.Path.StartsWithSegments("/api/originals"))
                context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
            return next(context);
        });

        var wwwroot = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (!Directory.Exists(wwwroot)) wwwroot = Path.Combine(app.Environment.ContentRootPath, "wwwroot");
        if (Directory.Exists(wwwroot))
        {
            var files = new PhysicalFileProvider(wwwroot);
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        }

        app.MapOpenApi();
        app.MapHealthChecks("/healthz");
        var web = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebOptions>>().Value;
        var metrics = app.MapPrometheusScrapingEndpoint("/metrics");
        if (!web.PublicMetrics) metrics.AddEndpointFilter(new ApiKeyFilter(AccessLevel.Protected));
        app.MapHificApi();
        // Grain-level views; the browser sends the key as the dashboard's cookie (GET only).
        // Always keyed, PublicReadOnly or not: it shows grain state and streams method traces (arguments included).
        if (web.OrleansDashboard != false) app.MapOrleansDashboard("/orleans").AddEndpointFilter(new ApiKeyFilter(AccessLevel.Protected));
        return app;
    }
}
