namespace HiFiC.Cluster.Silo.Storage.Locations;

/// <summary>
/// A location that is not in canonical form or lies outside the roots. The message starts with
/// the field's name and never names the roots or what a link resolved to.
/// </summary>
public sealed class LocationRefusedException(string field, string reason)
    : ArgumentException($"{field} {reason}")
{
    /// <summary>The request field the location came from ("source", "destination", "archive", "location").</summary>
    public string Field { get; } = field;

    /// <summary>Why, without the field's name ("is outside the allowed locations").</summary>
    public string Reason { get; } = reason;
}
