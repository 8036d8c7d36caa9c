using System.Security.Cryptography;
using System.Text.Json;
using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Silo.Storage;

namespace HiFiC.Cluster.Silo.Entries;

/// <summary>
/// Reading, checking and committing archive entries (a manifest and the bitstream it names).
/// <para>
/// The manifest is the commit point: an entry is whatever its manifest says, and a manifest is
/// only ever written after the bitstream it names, under a name no committed manifest uses for
/// other bytes. So a crash at any point leaves the old entry or the new one, never a manifest
/// describing other bytes:
/// </para>
/// <list type="number">
/// <item>The bitstream goes to its plain name (a.png.hific) unless the current manifest names that
/// blob for other bytes; then to a content-addressed name (a.png.&lt;sha256 prefix&gt;.hific).
/// Each single blob write is atomic (temp + rename for folders, one upload for Azure).</item>
/// <item>The manifest is written (the switch).</item>
/// <item>Both are read back: a duplicate delivery racing this one (with different bytes, e.g. a GPU
/// and a CPU silo) could have replaced the bitstream in between; then the item fails and is retried.</item>
/// <item>The bitstream the old manifest named is deleted, unless the manifest now names it.</item>
/// </list>
/// Readers (restore, skip-existing) always go through the manifest and check the bitstream's SHA-256.
/// </summary>
public static class ArchiveEntries
{
    /// <summary>The manifest of <paramref name="sourcePath"/>, or null when there is none or it does not parse (a damaged manifest counts as none).</summary>
    public static async Task<ArchiveManifest?> TryReadManifestAsync(IBlobSource archive, string sourcePath, CancellationToken ct)
    {
        var json = await archive.TryReadAllAsync(ArchiveNaming.Manifest(sourcePath), ct);
        if (json is null) return null;
        try
        {
            var m = ArchiveManifest.FromJson(json);
            return m.Output is { Length: > 0 } && m.OutputSha256 is { Length: > 0 } ? m : null;
        }
        catch (JsonException) { return null; }
    }

    /// <summary>
    /// The entry of <paramref name="sourcePath"/>, its bitstream checked against the manifest.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing is archived under that path.</exception>
    /// <exception cref="InvalidDataException">The manifest is damaged, or the bitstream is missing or is not the one the manifest describes.</exception>
    public static async Task<ArchiveEntry> ReadAsync(IBlobSource archive, string sourcePath, CancellationToken ct)
    {
        var manifestName = ArchiveNaming.Manifest(sourcePath);
        var json = await archive.TryReadAllAsync(manifestName, ct)
            ?? throw new FileNotFoundException($"{sourcePath} is not archived in {archive.Location} (no {manifestName}).");
        ArchiveManifest manifest;
        try { manifest = ArchiveManifest.FromJson(json); }
        catch (JsonException e) { throw new InvalidDataException($"archive entry of {sourcePath} is damaged: {manifestName} does not parse ({e.Message})", e); }
        string output;
        try { output = BitstreamOf(sourcePath, manifest); }
        catch (ArgumentException e) { throw new InvalidDataException($"archive entry of {sourcePath} is damaged: {manifestName} names no valid bitstream ({e.Message})", e); }
        var bitstream = await archive.TryReadAllAsync(output, ct)
            ?? throw new InvalidDataException($"archive entry of {sourcePath} is damaged: its bitstream {output} is missing");
        if (Mismatch(manifest, bitstream) is { } why)
            throw new InvalidDataException($"archive entry of {sourcePath} is damaged: {output} {why}; refusing to restore it");
        return new ArchiveEntry(manifest, bitstream);
    }

    /// <summary>
    /// Null when the archive holds a current entry for this original: the manifest's source
    /// SHA-256 is the original's, its settings are <paramref name="settings"/>, and its bitstream
    /// exists with the manifest's SHA-256. Otherwise why not (the image must be archived again).
    /// Size is compared first only to save the hashing: it never decides "current" alone.
    /// </summary>
    public static async Task<string?> WhyNotCurrentAsync(IBlobSource archive, string sourcePath, ReadOnlyMemory<byte> original,
        EntrySettings settings, CancellationToken ct) =>
        (await CheckCurrentAsync(archive, sourcePath, original, settings, ct)).Why;

    /// <summary>As <see cref="WhyNotCurrentAsync"/>, with the manifest of a current entry.</summary>
    public static async Task<(ArchiveManifest? Current, string? Why)> CheckCurrentAsync(IBlobSource archive, string sourcePath, ReadOnlyMemory<byte> original,
        EntrySettings settings, CancellationToken ct)
    {
        // One manifest read: the manifest judged current is the one returned (a second read could see another).
        var m = await TryReadManifestAsync(archive, sourcePath, ct);
        var why = await WhyNotAsync(m);
        return why is null ? (m, null) : (null, why);

        async Task<string?> WhyNotAsync(ArchiveManifest? m)
        {
            if (m is null) return "no readable manifest";
            if (settings.Mismatch(m) is { } changed) return changed;
            if (m.SourceSize != original.Length) return "the original's size changed";
            if (!string.Equals(m.SourceSha256, Sha256(original.Span), StringComparison.OrdinalIgnoreCase)) return "the original's content changed";
            string output;
            try { output = BitstreamOf(sourcePath, m); }
            catch (ArgumentException) { return "the manifest names no valid bitstream"; }
            var bitstream = await archive.TryReadAllAsync(output, ct);
            if (bitstream is null) return "the bitstream is missing";
            return Mismatch(m, bitstream) is { } damaged ? "the bitstream " + damaged : null;
        }
    }

    /// <summary>
    /// Commits <paramref name="payload"/> as the entry of <paramref name="sourcePath"/> (see the class
    /// comment for the order). <paramref name="preferredOutput"/> is the bitstream's plain name;
    /// <paramref name="manifestFor"/> builds the manifest for the name actually used. Returns that manifest.
    /// </summary>
    /// <exception cref="IOException">Read-back found the entry changed under this commit (a racing duplicate): retry.</exception>
    public static async Task<ArchiveManifest> CommitAsync(IBlobStore archive, string sourcePath, string preferredOutput, byte[] payload,
        Func<string, ArchiveManifest> manifestFor, CancellationToken ct)
    {
        var sha = Sha256(payload);
        var old = await TryReadManifestAsync(archive, sourcePath, ct);
        // Never overwrite the blob a committed manifest names with other bytes: until the new
        // manifest is in, that manifest must keep describing what is there.
        bool plainTaken = old is not null && old.Output == preferredOutput && !string.Equals(old.OutputSha256, sha, StringComparison.OrdinalIgnoreCase);
        var output = plainTaken ? ArchiveNaming.ContentAddressed(preferredOutput, sha) : preferredOutput;
        await archive.WriteAsync(output, payload, ct);

        var manifest = manifestFor(output);
        if (manifest.Output != output || !string.Equals(manifest.OutputSha256, sha, StringComparison.OrdinalIgnoreCase) || manifest.OutputSize != payload.Length)
            throw new InvalidOperationException("the manifest must describe the bitstream being committed");
        var manifestBytes = manifest.ToJsonBytes();
        await archive.WriteAsync(ArchiveNaming.Manifest(sourcePath), manifestBytes, ct);

        // Both reads start after both writes: read together, they cost one round trip's wait, not two.
        var backRead = archive.TryReadAllAsync(output, ct);
        var manifestRead = archive.TryReadAllAsync(ArchiveNaming.Manifest(sourcePath), ct);
        await Task.WhenAll(backRead, manifestRead);
        var (back, manifestBack) = (backRead.Result, manifestRead.Result);
        if (back is null || Mismatch(manifest, back) is not null || manifestBack is null || !manifestBack.AsSpan().SequenceEqual(manifestBytes))
            throw new IOException($"the entry of {sourcePath} changed while it was being committed (a duplicate delivery racing this one); retrying");

        if (old is not null && old.Output != output && BelongsTo(old.Output, sourcePath))
        {
            // Only after the switch, and only if the manifest still names our output: the old bitstream is now garbage.
            // Only this image's own names: a damaged or forged manifest naming another image's bitstream
            // must not make this commit delete that image's entry.
            var now = await TryReadManifestAsync(archive, sourcePath, ct);
            if (now?.Output == output) await archive.DeleteAsync(BlobPaths.Normalize(old.Output), ct);
        }
        return manifest;
    }

    /// <summary>Whether <paramref name="output"/> is one of the names this source's entry writes (its bitstream, plain or content-addressed, or its kept original).</summary>
    private static bool BelongsTo(string output, string sourcePath)
    {
        var name = BlobPaths.Normalize(output);
        var source = BlobPaths.Normalize(sourcePath);
        if (ArchiveNaming.SourceOfBitstream(name) == source) return true;
        // The kept original, plain or content-addressed (a.png.orig, a.png.0123456789abcdef.orig).
        if (name == source + ArchiveNaming.OriginalSuffix) return true;
        if (name.Length != source.Length + 1 + 16 + ArchiveNaming.OriginalSuffix.Length
            || !name.StartsWith(source + ".", StringComparison.Ordinal) || !name.EndsWith(ArchiveNaming.OriginalSuffix, StringComparison.Ordinal)) return false;
        return name.AsSpan(source.Length + 1, 16).ToString().All(char.IsAsciiHexDigitLower);
    }

    /// <summary>
    /// Where the manifest's bitstream is, relative to <paramref name="archive"/>'s location. The
    /// manifest names it relative to the job's destination; a reader may open a sub-folder of it
    /// (`hific restore DST/sub/a.png.hific` reads the archive DST/sub, source "a.png"). The bitstream
    /// always sits in its manifest's folder, so the manifest's folder prefix is swapped for the reader's.
    /// </summary>
    public static string BitstreamOf(string sourcePath, ArchiveManifest m)
    {
        var output = BlobPaths.Normalize(m.Output);
        string written = FolderOf(m.SourcePath), asked = FolderOf(sourcePath);
        if (written != asked && output.StartsWith(written, StringComparison.Ordinal)) output = asked + output[written.Length..];
        return BlobPaths.Normalize(output);
    }

    private static string FolderOf(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..(slash + 1)];
    }

    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Why <paramref name="bitstream"/> is not what <paramref name="m"/> describes, or null.</summary>
    private static string? Mismatch(ArchiveManifest m, byte[] bitstream)
    {
        if (bitstream.LongLength != m.OutputSize) return $"has {bitstream.LongLength} bytes, the manifest says {m.OutputSize}";
        if (!string.Equals(Sha256(bitstream), m.OutputSha256, StringComparison.OrdinalIgnoreCase)) return "does not match the manifest's SHA-256";
        return null;
    }
}
