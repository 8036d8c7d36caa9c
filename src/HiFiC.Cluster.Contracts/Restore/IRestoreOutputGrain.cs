namespace HiFiC.Cluster.Contracts.Restore;

/// <summary>
/// The output a restore request asks for, checked by the codec's rules (format names, the Accept
/// header's choice, quality and size bounds) for hosts that do not carry the codec: the web host
/// asks before it reads anything, so a bad query is a 400 naming its field. A stateless worker.
/// </summary>
[Alias("hific.IRestoreOutputGrain")]
public interface IRestoreOutputGrain : IGrainWithIntegerKey
{
    /// <param name="format">?format= (png, jpeg/jpg, webp) or null.</param>
    /// <param name="accept">The Accept header, used when <paramref name="format"/> is null.</param>
    [Alias("Choose")] Task<RestoreOutputChoice> ChooseAsync(string? format, string? quality, string? width, string? height, string? accept);
}

/// <summary>
/// The checked output: Format null when nothing in the query or the Accept header names one besides PNG
/// (originals kept as they were then come back as their own bytes); or the field and message of the first problem.
/// </summary>
[GenerateSerializer, Immutable, Alias("hific.RestoreOutputChoice.v1")]
public sealed record RestoreOutputChoice(
    [property: Id(0)] string? Format, [property: Id(1)] int? Quality, [property: Id(2)] int? Width, [property: Id(3)] int? Height,
    [property: Id(4)] string? Field = null, [property: Id(5)] string? Error = null);
