namespace HiFiC.Cluster.Contracts.Locations;

/// <summary>
/// A location that is not in canonical form or lies outside the roots. The message starts with
/// the field's name and never names the roots or what a link resolved to.
/// </summary>
public sealed class LocationRefusedException : ArgumentException
{
    /// <summary>Data key of the field's name: a grain call may hand the caller an ArgumentException in its place (Orleans keeps Data and the message).</summary>
    public const string FieldKey = "hific.location-field";

    public LocationRefusedException(string field, string reason) : base($"{field} {reason}")
    {
        Field = field;
        Reason = reason;
        Data[FieldKey] = field;
    }

    /// <summary>The request field the location came from ("source", "destination", "archive", "location").</summary>
    public string Field { get; }

    /// <summary>Why, without the field's name ("is outside the allowed locations").</summary>
    public string Reason { get; }
}
