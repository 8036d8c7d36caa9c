using Orleans.Placement;

namespace HiFiC.Cluster.Silo.Control;

/// <summary>The grain's key is a silo address (<c>SiloAddress.ToString()</c>); its activation lives on that silo.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloTargetedPlacementAttribute() : PlacementAttribute(SiloTargetedPlacement.Instance);
