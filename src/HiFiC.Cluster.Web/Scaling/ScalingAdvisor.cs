using System.Globalization;
using HiFiC.Cluster.Contracts.Monitoring;

namespace HiFiC.Cluster.Web.Scaling;

/// <summary>
/// Recommended silo count = ceil(queue depth / (items per second per silo × target seconds)),
/// kept within [MinSilos, MaxSilos]. Items are what the queue holds (whole images, tiles of large
/// ones), so depth and throughput are in the same unit. A pure function: tested without a cluster.
/// </summary>
public static class ScalingAdvisor
{
    /// <param name="silos">The silos' latest reports.</param>
    /// <param name="queueDepth">Items waiting; -1 when unknown.</param>
    /// <param name="recentItemsPerSecond">The cluster's mean rate over the recent window while it had work; 0 when none was measured.</param>
    public static ScalingAdvice Advise(IReadOnlyList<SiloStats> silos, long queueDepth, double recentItemsPerSecond, TimeSpan target, ScalingOptions options)
    {
        int min = Math.Max(0, options.MinSilos), max = Math.Max(min, options.MaxSilos);
        int accepting = silos.Count(s => s.Accepting);
        double? perSilo = null;
        string basis = "none";
        if (recentItemsPerSecond > 0 && accepting > 0)
        {
            perSilo = recentItemsPerSecond / accepting;
            basis = "measured";
        }
        else if (silos.Where(s => s.MeanModelMs > 0).ToList() is { Count: > 0 } timed)
        {
            // Before any rate is measured (a fresh cluster): a silo does at most one item per model
            // instance per mean codec time; I/O makes the real rate lower.
            perSilo = timed.Average(s => Math.Max(1, s.ModelInstances) * 1000.0 / s.MeanModelMs);
            basis = "model time";
        }

        var advice = new ScalingAdvice
        {
            QueueDepth = queueDepth, Silos = silos.Count, AcceptingSilos = accepting, ItemsPerSecondPerSilo = perSilo,
            Basis = basis, TargetSeconds = target.TotalSeconds,
        };
        if (queueDepth < 0)
            return advice with { Reason = "queue depth unknown (no silo reports it)" };
        if (queueDepth == 0)
            return advice with { EtaSeconds = 0, RecommendedSilos = min, Reason = $"queue empty: the minimum of {min} silo(s)" };
        if (perSilo is not { } rate || rate <= 0)
            return advice with { Reason = $"{queueDepth:N0} items queued, no throughput measured yet" };

        double needed = queueDepth / (rate * target.TotalSeconds);
        int recommended = Math.Clamp((int)Math.Min(int.MaxValue, Math.Ceiling(needed)), min, max);
        string capped = Math.Ceiling(needed) > max ? $" (capped at the maximum {max})" : "";
        return advice with
        {
            EtaSeconds = accepting > 0 ? queueDepth / (rate * accepting) : null,
            RecommendedSilos = recommended,
            Reason = string.Create(CultureInfo.InvariantCulture,
                $"{queueDepth:N0} items queued at {rate:0.###} items/s per silo ({basis}): {recommended} silo(s) finish within {Format(target)}{capped}"),
        };
    }

    internal static string Format(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{t.TotalHours:0.#} h" : t.TotalMinutes >= 1 ? $"{t.TotalMinutes:0.#} min" : $"{t.TotalSeconds:0} s";
}
