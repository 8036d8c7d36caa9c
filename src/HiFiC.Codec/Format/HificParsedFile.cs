namespace HiFiC.Codec.Format;

/// <summary>What the header parser found: validated header, sections and tile index, with offsets
/// from the start of the file.</summary>
internal sealed record HificParsedFile(
    HificHeader Header,
    HificSectionEntry[] Sections,
    HificTileEntry[] Tiles,
    long HeaderLength,
    long FileLength,
    int FormatVersion);
