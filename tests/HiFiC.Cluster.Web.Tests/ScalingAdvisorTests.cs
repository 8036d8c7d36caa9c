using HiFiC.Cluster.Contracts.Monitoring;
using HiFiC.Cluster.Web.Scaling;

namespace HiFiC.Cluster.Web.Tests;

/// <summary>The recommended silo count: queue depth / (per-silo rate × target), within the configured bounds.</summary>
public sealed class ScalingAdvisorTests
{
    private static readonly ScalingOptions Options = new() { MinSilos = 1, MaxSilos = 10 };

    private static SiloStats Silo(string name, bool accepting = true, double meanModelMs = 0, int instances = 1) =>
        new() { Silo = name, Accepting = accepting, MeanModelMs = meanModelMs, ModelInstances = instances };

    [Fact]
    public void Measured_rate_per_accepting_silo_sizes_the_cluster_for_the_target()
    {
        // 2 silos take work (a third is drained) at 4 items/s together: 2 per silo. 36,000 items in
        // one hour need 36000 / (2 * 3600) = 5 silos; at the 2 working now it takes 9,000 s.
        var a = ScalingAdvisor.Advise([Silo("a"), Silo("b"), Silo("c", accepting: false)], 36_000, 4, TimeSpan.FromHours(1), Options);
        Assert.Equal(("measured", 2.0, 5, 9000.0, 2, 3), (a.Basis, a.ItemsPerSecondPerSilo!.Value, a.RecommendedSilos!.Value, a.EtaSeconds!.Value, a.AcceptingSilos, a.Silos));
        Assert.Contains("5 silo(s) finish within 1 h", a.Reason);
        // A longer target needs fewer; one item more than a whole number of silos rounds up.
        Assert.Equal(3, ScalingAdvisor.Advise([Silo("a"), Silo("b")], 36_000, 4, TimeSpan.FromHours(2), Options).RecommendedSilos);
        Assert.Equal(6, ScalingAdvisor.Advise([Silo("a"), Silo("b")], 36_001, 4, TimeSpan.FromHours(1), Options).RecommendedSilos);
    }

    [Fact]
    public void Bounds_an_empty_queue_and_unknowns()
    {
        Assert.Equal(10, ScalingAdvisor.Advise([Silo("a")], 10_000_000, 1, TimeSpan.FromHours(1), Options).RecommendedSilos);
        Assert.Contains("capped", ScalingAdvisor.Advise([Silo("a")], 10_000_000, 1, TimeSpan.FromHours(1), Options).Reason);
        var empty = ScalingAdvisor.Advise([Silo("a"), Silo("b")], 0, 0, TimeSpan.FromHours(1), Options);
        Assert.Equal((1, 0.0), (empty.RecommendedSilos!.Value, empty.EtaSeconds!.Value));
        var fresh = ScalingAdvisor.Advise([Silo("a")], 100, 0, TimeSpan.FromHours(1), Options);
        Assert.Equal(("none", null, null), (fresh.Basis, fresh.ItemsPerSecondPerSilo, fresh.RecommendedSilos));
        Assert.Null(ScalingAdvisor.Advise([], -1, 0, TimeSpan.FromHours(1), Options).RecommendedSilos);
        // Everything drained: no ETA, but the recommendation still says what the queue needs.
        var drained = ScalingAdvisor.Advise([Silo("a", accepting: false, meanModelMs: 500)], 7200, 0, TimeSpan.FromHours(1), Options);
        Assert.Equal(("model time", 2.0, 1, null), (drained.Basis, drained.ItemsPerSecondPerSilo!.Value, drained.RecommendedSilos!.Value, drained.EtaSeconds));
    }

    [Fact]
    public void Before_any_rate_is_measured_the_model_time_estimates_a_silo()
    {
        // 2 instances at 250 ms per item: 8 items/s per silo at most. 57,600 items in 30 min: 4 silos.
        var a = ScalingAdvisor.Advise([Silo("a", meanModelMs: 250, instances: 2), Silo("b")], 57_600, 0, TimeSpan.FromMinutes(30), Options);
        Assert.Equal(("model time", 8.0, 4), (a.Basis, a.ItemsPerSecondPerSilo!.Value, a.RecommendedSilos!.Value));
    }
}
