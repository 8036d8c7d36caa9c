using System.Net;
using HiFiC.Cluster.Silo.Hosting;
using HiFiC.Cluster.Silo.Jobs;
using HiFiC.Cluster.Silo.Monitoring;
using HiFiC.Cluster.Silo.Storage.Locations;
using HiFiC.Cluster.Web.Api;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.FileProviders;
using OpenTelemetry.Metrics;
using Orleans.Dashboard;

namespace HiFiC.Cluster.Web.Hosting;

/// <summary>
/// Builds the web host: HTTP API, dashboard, /metrics, and either an embedded silo (default) or
/// an Orleans client. Split in two so tests (and other hosts) can add services between the steps,
/// e.g. their own ICodecModelSource before the silo's defaults (which are TryAdd).
/// </summary>
public static class HificWeb
{
    /// <summary>Largest request body under /api (a job request is well under 1 KiB).</summary>
    public const long MaxApiBodyBytes = 64 * 1024;

    public static WebApplicationBuilder CreateBuilder(string[] args, WebApplicationOptions? options = null)
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
                if (web.Gateways.Count > 0)
                {
                    // Static gateways: any silo whose gateway is reachable, whatever its clustering.
                    client.UseStaticClustering(web.Gateways.Select(ParseEndPoint).ToArray());
                    client.Configure<Orleans.Configuration.ClusterOptions>(o => { o.ClusterId = web.ClusterId; o.ServiceId = web.ServiceId; });
                    // The same HiFiC:Cluster:Tls section as the silos (UseHificCluster applies it in the other branch).
                    HiFiC.Cluster.Silo.Hosting.Tls.HificTls.UseHificTls(client, builder.Configuration);
                }
                else
                {
                    // The cluster the `hific silo` processes describe (HiFiC:Cluster: Localhost or AzureTable clustering).
                    client.UseHificCluster(builder.Configuration);
                }
                // The Orleans Dashboard's grains run on the silos (`hific silo` adds them); this side only serves its pages.
                if (web.OrleansDashboard != false) client.AddDashboard();
                // Started beside the silos (a terminal each, compose, a pod), the web host may come up first: wait for a gateway.
                client.UseConnectionRetryFilter(new GatewayRetryFilter(web.ConnectTimeout, TimeSpan.FromSeconds(1)));
            });
        }
        else
        {
            // A private in-process queue: two hosts in one process (tests) must not share work.
            builder.Services.AddSingleton(new HiFiC.Cluster.Silo.Queue.InProcessQueueHub());
            builder.UseOrleans(silo =>
            {
                silo.UseLocalhostClustering(web.SiloPort > 0 ? web.SiloPort : LoopbackPorts.Next(), web.GatewayPort > 0 ? web.GatewayPort : LoopbackPorts.Next(),
                    serviceId: web.ServiceId, clusterId: web.ClusterId);
                silo.AddHificArchive(builder.Configuration);
                if (string.IsNullOrWhiteSpace(web.StateFolder)) silo.AddMemoryGrainStorage(ArchiveStorage.JobStore);
                else silo.AddFolderJobStorage(Path.GetFullPath(web.StateFolder, builder.Environment.ContentRootPath));
                silo.UseInMemoryReminderService();
                if (web.OrleansDashboard != false) silo.AddDashboard();
            });
        }

        // Restores and originals read storage from this process in both modes.
        builder.Services.Configure<HiFiC.Cluster.Silo.Azure.AzureStorageOptions>(builder.Configuration.GetSection(HiFiC.Cluster.Silo.Azure.AzureStorageOptions.Section));
        Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddSingleton<HiFiC.Cluster.Silo.Storage.IBlobStoreFactory, HiFiC.Cluster.Silo.Storage.BlobStoreFactory>(builder.Services);
        builder.Services.AddProblemDetails();
        // Container and Kubernetes probes (deploy/, helm/): the host serves requests, so its Orleans side has started.
        builder.Services.AddHealthChecks();
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        builder.Services.AddSingleton<LocationPolicy>();
        // Storage in this process (the embedded silo's jobs, restores, originals) is confined to the
        // web's roots unless HiFiC:Storage:Roots names its own.
        builder.Services.Configure<StorageRootsOptions>(builder.Configuration.GetSection(StorageRootsOptions.Section));
        builder.Services.AddOptions<StorageRootsOptions>().PostConfigure<Microsoft.Extensions.Options.IOptions<WebOptions>, IHostEnvironment>((o, w, env) =>
        {
            if (o.Roots.Count > 0) return;
            o.Roots.AddRange(LocationPolicy.RootsOf(w.Value).Select(r =>
                r.Contains("://", StringComparison.Ordinal) ? r : Path.GetFullPath(r, env.ContentRootPath)));
        });
        builder.Services.AddSingleton<ClusterMonitor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ClusterMonitor>());
        // The standard instrumentation beside the archive's own: HTTP server requests (http_server_request_duration_seconds)
        // and the .NET runtime (GC, thread pool, exceptions: process_runtime_dotnet_*).
        builder.Services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(HificMetrics.MeterName, ClusterMonitor.MeterName)
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


    private static IPEndPoint ParseEndPoint(string hostPort)
    {
        var i = hostPort.LastIndexOf(':');
        if (i <= 0 || !int.TryParse(hostPort[(i + 1)..], out var port)) throw new InvalidOperationException($"Gateway '{hostPort}' is not host:port.");
        var host = hostPort[..i];
        var address = IPAddress.TryParse(host, out var ip) ? ip : Dns.GetHostAddresses(host).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
        return new IPEndPoint(address, port);
    }
}
