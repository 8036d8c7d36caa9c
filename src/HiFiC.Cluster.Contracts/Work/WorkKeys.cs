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

    public static string PathOf(string key)
    {
        int i = key.IndexOf('\n');
        return i < 0 ? key : key[..i];
    }
}
