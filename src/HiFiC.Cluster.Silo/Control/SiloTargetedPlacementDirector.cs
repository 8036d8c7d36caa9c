using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace HiFiC.Cluster.Silo.Control;

/// <summary>
/// Picks the silo whose address (as <c>SiloAddress.ToString()</c>, the form the silos report in
/// their stats) is the grain's key. A silo that is not an active, compatible member cannot host
/// it: the call fails (Orleans' SiloUnavailableException) instead of landing on some other silo
/// and controlling the wrong one.
/// </summary>
public sealed class SiloTargetedPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString();
        foreach (var silo in context.GetCompatibleSilos(target))
            if (string.Equals(silo.ToString(), key, StringComparison.Ordinal))
                return Task.FromResult(silo);
        throw new SiloUnavailableException($"Silo {key} is not an active member of the cluster.");
    }
}
