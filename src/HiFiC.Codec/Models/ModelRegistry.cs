using System.Collections.Concurrent;

namespace HiFiC.Codec.Models;

/// <summary>A model folder found on disk, with its card (weights not loaded). Retired: an older version kept for its archives.</summary>
public sealed record ModelEntry(ModelCard Card, string Directory, bool Retired = false);

/// <summary>
/// Finds models by id, digest or path. Old models stay findable by digest, so archives written
/// years ago pick the exact weights that wrote them. Search order: HIFIC_MODELS (path list),
/// then a models/ folder beside the program, then models/ in the current folder or any parent.
/// Each root's retired/ folder holds the versions a newer export replaced (scripts/ship-model.sh
/// moves them there): never loaded by id, always by the digest a file names. Deleting one
/// makes every file it wrote undecodable.
/// </summary>
public sealed class ModelRegistry
{
    /// <summary>The context entropy model on hific-lite's transforms: 6.4% fewer bits at equal MS-SSIM (docs/results/context).</summary>
    public const string DefaultModelId = "hific-lite-ctx";
    public const string EnvironmentVariable = "HIFIC_MODELS";
    public const string RetiredFolder = "retired";
    private readonly IReadOnlyList<string> roots;
    private readonly ConcurrentDictionary<string, Lazy<CodecModel>> loaded = new(StringComparer.OrdinalIgnoreCase);

    public ModelRegistry(IEnumerable<string> searchRoots) => roots = searchRoots.Where(System.IO.Directory.Exists).Distinct().ToList();

    public IReadOnlyList<string> Roots => roots;

    public static ModelRegistry FromEnvironment()
    {
        var dirs = new List<string>();
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env)) dirs.AddRange(env.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        dirs.Add(Path.Combine(AppContext.BaseDirectory, "models"));
        for (var d = new DirectoryInfo(Environment.CurrentDirectory); d is not null; d = d.Parent)
            dirs.Add(Path.Combine(d.FullName, "models"));
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            dirs.Add(Path.Combine(d.FullName, "models"));
        return new ModelRegistry(dirs.Select(Path.GetFullPath));
    }

    /// <summary>Current versions first (so an id finds the newest), then retired ones.</summary>
    public IReadOnlyList<ModelEntry> List()
    {
        var result = new List<ModelEntry>();
        var seen = new HashSet<string>();
        foreach (var retired in new[] { false, true })
            foreach (var root in roots)
            {
                var folder = retired ? Path.Combine(root, RetiredFolder) : root;
                if (!System.IO.Directory.Exists(folder)) continue;
                foreach (var dir in System.IO.Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal))
                {
                    var card = Path.Combine(dir, CodecModel.CardFile);
                    if (!File.Exists(card)) continue;
                    try
                    {
                        var c = ModelCard.FromJson(File.ReadAllText(card), card);
                        if (seen.Add(c.Digest)) result.Add(new ModelEntry(c, dir, retired));
                    }
                    catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException) { /* a broken card is listed by nothing */ }
                }
            }
        return result;
    }

    /// <summary>Loads a model named by id, digest (or a prefix of at least 8 hex digits) or a folder path.</summary>
    public CodecModel Load(string? nameOrPath = null)
    {
        nameOrPath ??= DefaultModelId;
        if (System.IO.Directory.Exists(nameOrPath) || File.Exists(nameOrPath))
        {
            var dir = File.Exists(nameOrPath) ? Path.GetDirectoryName(Path.GetFullPath(nameOrPath))! : Path.GetFullPath(nameOrPath);
            return loaded.GetOrAdd("path:" + dir, _ => new Lazy<CodecModel>(() => CodecModel.Load(dir))).Value;
        }
        var entries = List();
        var entry = entries.FirstOrDefault(e => !e.Retired && string.Equals(e.Card.Id, nameOrPath, StringComparison.OrdinalIgnoreCase))
            ?? (nameOrPath.Length >= 8 ? entries.FirstOrDefault(e => e.Card.Digest.StartsWith(nameOrPath, StringComparison.OrdinalIgnoreCase)) : null);
        if (entry is null)
        {
            var known = entries.Count == 0 ? "none found" : string.Join(", ", entries.Where(e => !e.Retired).Select(e => e.Card.Id).Distinct());
            throw new ModelNotFoundException($"Model '{nameOrPath}' not found (searched: {string.Join(", ", roots)}; models: {known}).");
        }
        return loaded.GetOrAdd(entry.Card.Digest, _ => new Lazy<CodecModel>(() => CodecModel.Load(entry.Directory))).Value;
    }

    /// <summary>The exact model that wrote a file; the message names both sides when it is missing.</summary>
    public CodecModel LoadByDigest(string digest, string modelIdForMessage)
    {
        var entry = List().FirstOrDefault(e => string.Equals(e.Card.Digest, digest, StringComparison.OrdinalIgnoreCase));
        if (entry is null)
        {
            var sameId = List().Where(e => string.Equals(e.Card.Id, modelIdForMessage, StringComparison.OrdinalIgnoreCase)).ToList();
            var hint = sameId.Count > 0
                ? $" Installed '{modelIdForMessage}' has digest {sameId[0].Card.Digest[..16]}…, a different version."
                : "";
            throw new ModelNotFoundException($"This file was written by model '{modelIdForMessage}' (digest {digest[..Math.Min(16, digest.Length)]}…), which is not installed.{hint}");
        }
        return loaded.GetOrAdd(entry.Card.Digest, _ => new Lazy<CodecModel>(() => CodecModel.Load(entry.Directory))).Value;
    }
}

public sealed class ModelNotFoundException(string message) : Exception(message);
