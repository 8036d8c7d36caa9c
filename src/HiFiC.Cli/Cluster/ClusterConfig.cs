using System.CommandLine;
using Microsoft.Extensions.Configuration;

namespace HiFiC.Cli.Cluster;

/// <summary>
/// Configuration of the cluster commands, later sources winning: appsettings.json in the current
/// folder (optional), --config FILE, environment variables (HiFiC__Queue__Provider=...), then
/// key=value settings after the command (HiFiC:Queue:Provider=AzureStorageQueue, or with a
/// leading --). Keys are those of the options classes (docs/cluster.md lists them).
/// </summary>
internal static class ClusterConfig
{
    public static Option<string?> FileOption() => new("--config")
    {
        Description = "JSON settings file (keys as in appsettings.json: HiFiC:Cluster, HiFiC:Queue, ...). Settings can also come from " +
                      "environment variables (HiFiC__Cluster__Clustering=AzureTable) and trailing KEY=VALUE arguments.",
    };

    /// <summary>Lets a command take trailing KEY=VALUE settings.</summary>
    public static void AcceptSettings(Command command) => command.TreatUnmatchedTokensAsErrors = false;

    public static IConfiguration Build(ParseResult r, Option<string?> file)
    {
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Environment.CurrentDirectory, "appsettings.json"), optional: true);
        if (r.GetValue(file) is { } path)
        {
            if (!File.Exists(path)) throw new UsageException($"--config file not found: {path}");
            builder.AddJsonFile(Path.GetFullPath(path), optional: false);
        }
        builder.AddEnvironmentVariables();
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var token in r.UnmatchedTokens)
        {
            var t = token.TrimStart('-', '/');
            int eq = t.IndexOf('=');
            if (eq <= 0) throw new UsageException($"unexpected argument '{token}' (settings are KEY=VALUE, e.g. HiFiC:Queue:Provider=AzureStorageQueue)");
            settings[t[..eq]] = t[(eq + 1)..];
        }
        builder.AddInMemoryCollection(settings);
        return builder.Build();
    }
}
