namespace HiFiC.Cluster.Contracts.Work;

/// <summary>
/// Keys of items in flight. A whole image is keyed by its path; its tiles and assembly step by
/// the path plus a suffix that no path can end with ('\n' never appears in blob names we list).
/// </summary>
public static class WorkKeys
{
    public static string For(string path, WorkPart part, int tile = 0) => part switch
    {
        WorkPart.Whole => path,
        WorkPart.Tile => $"{path}\n#tile{tile}",
        WorkPart.Assemble => $"{path}\n#assemble",
        _ => throw new ArgumentOutOfRangeException(nameof(part)),
    };

    /// <summary>The tile index of a tile item's key; null for other keys.</summary>
    public static int? TileOf(string key)
    {
        int i = key.IndexOf("\n#tile", StringComparison.Ordinal);
        return i >= 0 && int.TryParse(key.AsSpan(i + 6), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var t) ? t : null;
    }

    public static string PathOf(string key)
    {
        int i = key.IndexOf('\n');
        return i < 0 ? key : key[..i];
    }
}
