namespace HiFiC.Cluster.Silo.Codec;

/// <summary>A model as jobs see it: its identity, and the rate t each name on its card stands for.</summary>
/// <param name="MinRate">The lowest rate t the model accepts (null: not known, e.g. a test double).</param>
/// <param name="MaxRate">The highest rate t the model accepts.</param>
public sealed record ModelInfo(string Id, string Digest, IReadOnlyDictionary<string, double>? NamedRates = null, double? MinRate = null, double? MaxRate = null)
{
    /// <summary>Key in <see cref="Exception.Data"/> naming the request field at fault: Orleans carries Data to the caller, not ParamName.</summary>
    public const string FieldKey = HiFiC.Cluster.Contracts.Jobs.JobSpecValidator.FieldKey;

    /// <summary>Throws an ArgumentException marked for the field "rate" when the model does not accept <paramref name="rate"/>.</summary>
    public void CheckRate(double rate)
    {
        if ((MinRate is { } lo && rate < lo) || (MaxRate is { } hi && rate > hi))
        {
            var e = new ArgumentException($"model '{Id}' accepts rates {MinRate}..{MaxRate} (got {rate})");
            e.Data[FieldKey] = "rate";
            throw e;
        }
    }

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
