using HiFiC.Cluster.Contracts.Control;
using HiFiC.Cluster.Silo.Monitoring;
using HiFiC.Cluster.Silo.Work;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Placement;
using Orleans.Runtime;

namespace HiFiC.Cluster.Silo.Control;

/// <summary>
/// A silo's runtime controls, activated on that silo (key = its address) so it reaches the
/// silo's own <see cref="WorkIntake"/> and <see cref="ArchiveWorker"/>. It holds no state of its
/// own: the switches live in those singletons, so a deactivated grain loses nothing.
/// </summary>
[SiloTargetedPlacement, Immovable, Reentrant]
public sealed class SiloControlGrain(
    ILocalSiloDetails local, WorkIntake intake, ArchiveWorker worker, SiloCounters counters, SiloStatsReporter reporter,
    ILogger<SiloControlGrain> logger) : Grain, ISiloControlGrain
{
    public override Task OnActivateAsync(CancellationToken ct)
    {
        // The placement director guarantees this; a mismatch would control the wrong silo.
        if (local.SiloAddress.ToString() != this.GetPrimaryKeyString())
            throw new InvalidOperationException($"Silo control for {this.GetPrimaryKeyString()} activated on {local.SiloAddress}.");
        return Task.CompletedTask;
    }

    public Task<SiloControlState> GetAsync() => Task.FromResult(State());

    public async Task<SiloControlState> DrainAsync()
    {
        if (intake.Close()) logger.LogInformation("Drained: no new items; {Busy} in progress finish", counters.Busy);
        await ReportAsync();
        return State();
    }

    public async Task<SiloControlState> UndrainAsync()
    {
        if (intake.Open()) logger.LogInformation("Undrained: taking items again");
        await ReportAsync();
        return State();
    }

    public async Task<SiloControlState> SetConcurrencyAsync(int concurrency)
    {
        if (concurrency < 1 || concurrency > ISiloControlGrain.MaxConcurrency)
            throw new ArgumentOutOfRangeException(nameof(concurrency), concurrency, $"must be between 1 and {ISiloControlGrain.MaxConcurrency}");
        if (concurrency != worker.Concurrency) worker.SetConcurrency(concurrency);
        await ReportAsync();
        return State();
    }

    private SiloControlState State() => new()
    {
        Silo = local.SiloAddress.ToString(),
        Accepting = intake.Accepting,
        Concurrency = worker.Concurrency,
        Consumers = worker.Consumers,
        Busy = counters.Busy,
    };

    private async Task ReportAsync()
    {
        // The change is made either way; the cluster view catches up at the next regular report.
        try { await reporter.ReportControlsAsync(); }
        catch (Exception e) { logger.LogDebug("Immediate stats report failed: {Error}", e.Message); }
    }
}
