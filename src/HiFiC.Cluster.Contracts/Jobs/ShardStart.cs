namespace HiFiC.Cluster.Contracts.Jobs;

/// <summary>
/// What a job's grain hands each of its shard coordinators: the spec and what the job resolved once
/// at its start (model, rate, effort), so every shard codes alike whichever silo hosts it.
/// </summary>
[GenerateSerializer, Immutable, Alias("hific.ShardStart.v1")]
public sealed record ShardStart(
    [property: Id(0)] JobSpec Spec,
    [property: Id(1)] string ParentId,
    [property: Id(2)] int Index,
    [property: Id(3)] int Count,
    [property: Id(4)] string ModelId,
    [property: Id(5)] string ModelDigest,
    [property: Id(6)] double Rate,
    [property: Id(7)] string? Effort,
    [property: Id(8)] int? RefineSteps)
{
    /// <summary>The grain key of shard <paramref name="index"/> of job <paramref name="jobId"/>.</summary>
    public static string Key(string jobId, int index) => $"{jobId}#shard{index:D2}";

    /// <summary>Which shard an item path belongs to: FNV-1a over its UTF-16 code units, stable across processes and runs (string.GetHashCode is not).</summary>
    public static int Of(string path, int count)
    {
        uint h = 2166136261;
        foreach (char c in path) { h ^= c; h *= 16777619; }
        return (int)(h % (uint)count);
    }
}
