namespace HiFiC.Cluster.Silo.Codec;

/// <summary>A model as jobs see it: its identity, and the rate t each name on its card stands for.</summary>
public sealed record ModelInfo(string Id, string Digest, IReadOnlyDictionary<string, double>? NamedRates = null)
{
    /// <summary>Key in <see cref="Exception.Data"/> naming the request field at fault: Orleans carries Data to the caller, not ParamName.</summary>
    public const string FieldKey = "hific.field";

    /// <summary>The rate t of a card name (lo, mi, hi); an unknown name is an ArgumentException marked for the field "rateName".</summary>
    public double RateNamed(string name)
    {
        if (NamedRates is not null && NamedRates.TryGetValue(name, out var t)) return t;
        var e = new ArgumentException(
            $"model '{Id}' has no rate named '{name}'" + (NamedRates is { Count: > 0 } ? $" (known: {string.Join(", ", NamedRates.Keys)})" : ""));
        e.Data[FieldKey] = "rateName";
        throw e;
    }
}
