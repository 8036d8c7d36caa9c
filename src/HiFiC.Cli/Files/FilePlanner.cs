namespace HiFiC.Cli.Files;

/// <summary>
/// Turns IN [-o OUT] into jobs. A file gives one job (OUT defaults to IN with the new extension;
/// an existing folder as OUT receives the file). A folder is searched recursively and OUT (default:
/// the folder itself, so results land beside their inputs) mirrors its structure.
/// </summary>
public static class FilePlanner
{
    public static FilePlan Plan(string input, string? output, IReadOnlySet<string> extensions, string? outputExtension)
    {
        if (File.Exists(input))
        {
            string? target = null;
            if (outputExtension is not null)
            {
                target = output is null ? Path.ChangeExtension(input, outputExtension)
                    : Directory.Exists(output) ? Path.Combine(output, Path.GetFileNameWithoutExtension(input) + outputExtension)
                    : output;
                if (SamePath(target, input))
                    throw new UsageException($"Output {target} is the input itself; inputs are never overwritten.");
            }
            return new FilePlan([new FileJob(input, target, input)], IsBatch: false, Ignored: 0);
        }
        if (!Directory.Exists(input))
            throw new UsageException($"No such file or folder: {input}");
        if (output is not null && File.Exists(output))
            throw new UsageException($"Input {input} is a folder, so the output must be a folder too, but {output} is a file.");

        var all = Directory.EnumerateFiles(input, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            .Order(StringComparer.Ordinal).ToList();
        var chosen = all.Where(f => extensions.Contains(Path.GetExtension(f))).ToList();
        var root = output ?? input;
        var jobs = new List<FileJob>(chosen.Count);
        if (outputExtension is null)
            jobs.AddRange(chosen.Select(f => new FileJob(f, null, Path.GetRelativePath(input, f))));
        else
        {
            // photo.png and photo.jpg would both become photo.hific: those keep their extension in
            // the output name (photo.png.hific), so no result silently replaces another.
            var clashing = chosen.GroupBy(f => Path.ChangeExtension(Path.GetRelativePath(input, f), null), StringComparer.OrdinalIgnoreCase)
                .Where(g => g.Count() > 1).SelectMany(g => g).ToHashSet();
            foreach (var f in chosen)
            {
                var rel = Path.GetRelativePath(input, f);
                var relOut = clashing.Contains(f) ? rel + outputExtension : Path.ChangeExtension(rel, outputExtension);
                jobs.Add(new FileJob(f, Path.Combine(root, relOut), rel));
            }
        }
        return new FilePlan(jobs, IsBatch: true, Ignored: all.Count - chosen.Count);
    }

    public static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);
}
