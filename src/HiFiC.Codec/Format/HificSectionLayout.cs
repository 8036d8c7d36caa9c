using System.Buffers.Binary;

namespace HiFiC.Codec.Format;

/// <summary>Turns the (checksum-verified) section directory into placed entries and applies the
/// section rules: type 0 is invalid, unknown required types are refused, unknown optional ones are
/// kept only as entries (never read), and the alpha section must agree with the header.</summary>
internal static class HificSectionLayout
{
    public static HificSectionEntry[] Place(byte[] directory, int count, long start, long fileLength)
    {
        var sections = new HificSectionEntry[count];
        long offset = start;
        for (int i = 0; i < count; i++)
        {
            var e = directory.AsSpan(i * HificLayout.SectionEntryBytes);
            ushort raw = BinaryPrimitives.ReadUInt16LittleEndian(e);
            var entry = new HificSectionEntry(
                (ushort)(raw & HificSectionTypes.TypeMask),
                (raw & HificSectionTypes.RequiredFlag) != 0,
                offset,
                BinaryPrimitives.ReadUInt32LittleEndian(e[2..]),
                BinaryPrimitives.ReadUInt32LittleEndian(e[6..]));
            if (entry.Type == 0)
                throw new HificFormatException($"section {i} has type 0, which is invalid");
            if (entry.Type is not (HificSectionTypes.Alpha or HificSectionTypes.Metadata) && entry.Required)
                throw new HificFormatException($"section {i} has type {entry.Type}, which is marked required but this build does not understand it");
            if (offset + entry.Length > fileLength)
                throw new HificFormatException($"truncated: the directory says section {i} (type {entry.Type}) has {entry.Length} bytes at offset {offset} but the file ends at byte {fileLength}");
            sections[i] = entry;
            offset += entry.Length;
        }

        return sections;
    }

    public static void CheckAgainstHeader(HificSectionEntry[] sections, HificHeader header, HificLimits limits)
    {
        var metadata = sections.Where(s => s.Type == HificSectionTypes.Metadata).ToList();
        if (metadata.Count > 1)
            throw new HificFormatException($"the metadata section appears {metadata.Count} times");
        if (metadata.Count == 1 && metadata[0].Length > limits.MaxMetadataBytes)
            throw new HificFormatException($"metadata section of {metadata[0].Length} bytes is over the limit of {limits.MaxMetadataBytes}");

        var alphas = sections.Where(s => s.Type == HificSectionTypes.Alpha).ToList();
        if (alphas.Count > 1)
            throw new HificFormatException($"the alpha section appears {alphas.Count} times");
        if (header.Color.HasAlpha != (alphas.Count == 1))
            throw new HificFormatException(header.Color.HasAlpha ? "the header says alpha is present but there is no alpha section" : "there is an alpha section but the header says there is no alpha");
        if (alphas.Count == 0)
            return;

        long pixels = (long)header.Width * header.Height;
        if (pixels > Array.MaxLength)
            throw new HificFormatException($"alpha plane of {pixels} pixels is larger than one array can hold");
        long length = alphas[0].Length;
        if (length < HificLayout.MinAlphaSectionBytes(pixels) || length > HificLayout.MaxAlphaSectionBytes(pixels))
            throw new HificFormatException($"alpha section length {length} is invalid for {pixels} pixels (must be {HificLayout.MinAlphaSectionBytes(pixels)}..{HificLayout.MaxAlphaSectionBytes(pixels)})");
    }
}
