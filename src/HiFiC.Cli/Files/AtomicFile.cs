namespace HiFiC.Cli.Files;

/// <summary>
/// Writes a file under a temporary name in the same folder and renames it into place, so a
/// reader, a crash or Ctrl+C never leaves a half-written output under the real name. The
/// temporary file is deleted on any failure or cancellation.
/// </summary>
public static class AtomicFile
{
    public const string PartialSuffix = ".partial";

    public static void Write(string path, bool overwrite, Action<Stream> write, CancellationToken ct)
    {
        if (!overwrite && File.Exists(path)) throw new OutputExistsException(path);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        // Hidden and unique: several processes may write into one folder.
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}{PartialSuffix}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                // On disk before the rename, so the real name never points at missing data after a power cut.
                stream.Flush(flushToDisk: true);
            }
            ct.ThrowIfCancellationRequested();
            try
            {
                File.Move(temp, full, overwrite);
            }
            catch (IOException) when (!overwrite && File.Exists(full))
            {
                // Another writer got there between the check and the rename.
                throw new OutputExistsException(path);
            }
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
