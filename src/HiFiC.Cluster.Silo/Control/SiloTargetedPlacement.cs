using Orleans.Runtime;

namespace HiFiC.Cluster.Silo.Control;

/// <summary>Places a grain on the silo its string key names (<see cref="SiloTargetedPlacementDirector"/>).</summary>
[Serializable, GenerateSerializer, Immutable, Alias("hific.SiloTargetedPlacement")]
public sealed class SiloTargetedPlacement : PlacementStrategy
{
    internal static readonly SiloTargetedPlacement Instance = new();
}
