namespace HiFiC.Codec.Format;

/// <summary>One entry of the section directory, with its body's place in the file.</summary>
/// <param name="Type">Section type without the required flag (1 = alpha).</param>
/// <param name="Required">Whether a reader that does not know <paramref name="Type"/> must refuse the file.</param>
/// <param name="Crc32">CRC-32 (IEEE) of the section body as stored.</param>
public sealed record HificSectionEntry(ushort Type, bool Required, long Offset, long Length, uint Crc32);
