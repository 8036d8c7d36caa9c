using System.CommandLine;
using HiFiC.Cluster.Contracts.Jobs;

namespace HiFiC.Cli.Cluster;

/// <summary>
/// Base of the `hific job` commands: --config plus trailing KEY=VALUE settings name the cluster
/// (same keys as the silos': HiFiC:Cluster:*), and the action gets a connected client.
/// </summary>
public abstract class JobClientCommand : Command
{
    private readonly Option<string?> config = ClusterConfig.FileOption();

    protected JobClientCommand(CliContext cli, string name, string description) : base(name, description)
    {
        Add(config);
        ClusterConfig.AcceptSettings(this);
        SetAction(async (r, ct) =>
        {
            Validate(r);
            await using var client = await ClusterHost.ConnectAsync(cli, ClusterConfig.Build(r, config), ct);
            return await ExecuteAsync(cli, r, client.Client, ct);
        });
    }

    /// <summary>Checks arguments before connecting (a usage error should not wait for a cluster).</summary>
    protected virtual void Validate(ParseResult r) { }

    protected abstract Task<int> ExecuteAsync(CliContext cli, ParseResult r, IClusterClient client, CancellationToken ct);

    /// <summary>
    /// The job's status; a usage error when no job was ever started under the id. A silo that
    /// just died (the job's coordinator, or the gateway) makes the first call fail while the
    /// cluster notices: transient Orleans errors are retried for up to <see cref="FindPatience"/>.
    /// </summary>
    protected static async Task<(IArchiveJobGrain Job, JobStatus Status)> FindAsync(IClusterClient client, string id, CancellationToken ct = default)
    {
        var job = client.GetGrain<IArchiveJobGrain>(id);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                var status = await job.GetStatusAsync();
                if (status.Phase == JobPhase.None) throw new UsageException($"no job '{id}' on this cluster");
                return (job, status);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException && clock.Elapsed < FindPatience)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 250 * attempt)), ct);
            }
        }
    }

    /// <summary>Long enough for the membership to declare a killed silo dead.</summary>
    protected static readonly TimeSpan FindPatience = TimeSpan.FromSeconds(45);
}
