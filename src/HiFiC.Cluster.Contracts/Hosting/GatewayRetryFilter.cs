using Orleans;

namespace HiFiC.Cluster.Contracts.Hosting;

/// <summary>
/// Retries a client's first connection to the cluster for <paramref name="patience"/>, every
/// <paramref name="interval"/>: silos take seconds to a minute to open their gateways. The CLI's
/// cluster commands and the web host in client mode both connect through it.
/// </summary>
public sealed class GatewayRetryFilter(TimeSpan patience, TimeSpan interval) : IClientConnectionRetryFilter
{
    private readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (clock.Elapsed >= patience) return false;
        await Task.Delay(interval, cancellationToken);
        return true;
    }
}
