using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Cluster.Contracts.Work;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Entries;
using HiFiC.Cluster.Silo.Storage;
using HiFiC.Codec.Imaging.Output;

namespace HiFiC.Cluster.Silo.Restore;

/// <summary>
/// One item of a restore job: the archive entry of the item's path, decoded and written into the
/// job's destination. Checked like a single restore: the entry is read through its manifest with
/// the stored bytes checked against its SHA-256 (<see cref="ArchiveEntries.ReadAsync"/>), sizes on
/// the file's own header (<see cref="RestoreLimits"/>), and the decoded latents must hash to the
/// manifest's latent hash (the bits the archive job wrote), else the item fails with the reason.
/// Without overwrite, a file already at the output name is skipped when it is this entry's current
/// restore (its <see cref="RestoreRecord"/> names the entry, the settings and these bytes), rewritten
/// when it is this system's restore of an older entry or other settings (the archive changed since),
/// and otherwise left alone: someone else's file, or one changed after it was restored.
/// </summary>
public static class RestoreItem
{
    public static async Task<ItemOutcome> RunAsync(WorkItem item, RestoreTarget target, IImageCodec codec, IBlobStoreFactory blobs,
        long maxPixels, int delivery, CancellationToken ct)
    {
        var archive = blobs.OpenSource(item.Source);
        var destination = blobs.OpenStore(item.Destination);
        var request = new RestoreRequest(item.Source, item.SourcePath, Format: target.Format, Quality: target.Quality);
        ImageOutputOptions? output;
        try { output = RestoreOutput.Of(request, original: false); }
        catch (RestoreLimitException e) { throw new CodecInputException(e.Message, e); }

        // The name depends on the manifest (a kept original keeps its own name when no format is
        // asked for), so the manifest is read first: cheap, and it lets an existing output be skipped without reading the bitstream.
        var manifest = await ArchiveEntries.TryReadManifestAsync(archive, item.SourcePath, ct)
            ?? (await ReadEntryAsync(archive, item.SourcePath, ct)).Manifest; // gone or damaged: ReadAsync says which
        var name = OutputName(item.SourcePath, manifest.IsOriginal, target.Format);
        var record = await RestoreRecord.TryReadAsync(destination, name, ct);
        var existingSha = await TryHashAsync(destination, name, ct);
        if (existingSha is not null && !target.Overwrite)
        {
            bool current = record is not null && record.Matches(manifest.OutputSha256, target.Format, target.Quality)
                                              && string.Equals(record.OutputSha256, existingSha, StringComparison.OrdinalIgnoreCase)
                // An original kept as it was, restored under its own name: its very bytes are current, whoever put them there.
                || manifest.IsOriginal && target.Format is null && string.Equals(manifest.OutputSha256, existingSha, StringComparison.OrdinalIgnoreCase);
            if (current)
            {
                // A first delivery skips; a redelivery finds what its own earlier delivery wrote (one writer
                // per destination, the record written before the output) and counts the image as done.
                return delivery <= 1 && !item.Resent
                    ? new ItemOutcome(item.Key, OutcomeKind.Current)
                    : new ItemOutcome(item.Key, OutcomeKind.Done, manifest.OutputSize, 0, (long)manifest.Width * manifest.Height, KeptOriginal: manifest.IsOriginal);
            }
            // Someone else's file, or one changed since it was restored: left alone (skipped, and counted apart so the
            // user learns that these outputs are not the archive's). Only an output this system wrote from another
            // entry or with other settings is stale, and is replaced.
            if (record is null || !record.Wrote(existingSha)) return new ItemOutcome(item.Key, OutcomeKind.Current, LeftAlone: true);
        }

        var entry = await ReadEntryAsync(archive, item.SourcePath, ct);

        byte[] bytes;
        int width, height;
        if (entry.Manifest.IsOriginal)
        {
            if (target.Format is null) (bytes, width, height) = (entry.Bitstream, entry.Manifest.Width, entry.Manifest.Height);
            else
            {
                try { (bytes, width, height) = await Task.Run(() => Work.OriginalImage.Encode(entry.Bitstream, null, output!), ct); }
                catch (Exception e) when (e is SixLabors.ImageSharp.ImageFormatException or SixLabors.ImageSharp.UnknownImageFormatException)
                {
                    throw new CodecInputException($"the original kept for {item.SourcePath} does not decode: {e.Message}", e);
                }
            }
        }
        else
        {
            try { RestoreLimits.Check(entry.Bitstream, request, maxPixels); }
            catch (RestoreLimitException e) { throw new CodecInputException(e.Message, e); }
            using var encoded = new MemoryStream();
            var outcome = await codec.RestoreAsync(new MemoryStream(entry.Bitstream, writable: false), encoded, null, output, ct);
            // Same bits as the archive job wrote (and verified, when it verified): a decoder that reads them otherwise fails the item.
            if (!string.IsNullOrEmpty(entry.Manifest.LatentHash) && outcome.LatentHash != entry.Manifest.LatentHash)
                throw new CodecInputException($"the decoded latents of {item.SourcePath} do not match the archive's (hash {outcome.LatentHash} vs {entry.Manifest.LatentHash}); nothing was written");
            (bytes, width, height) = (encoded.ToArray(), outcome.Width, outcome.Height);
        }
        // The record first: an interrupted output write leaves bytes the record still names (as previous), so they are replaced next time.
        await new RestoreRecord
        {
            EntrySha256 = entry.Manifest.OutputSha256, Format = target.Format, Quality = target.Quality,
            OutputSha256 = ArchiveEntries.Sha256(bytes), PreviousOutputSha256 = existingSha,
        }.WriteAsync(destination, name, ct);
        await destination.WriteAsync(name, bytes, ct);
        return new ItemOutcome(item.Key, OutcomeKind.Done, entry.Bitstream.Length, bytes.Length, (long)width * height, KeptOriginal: entry.Manifest.IsOriginal);
    }

    /// <summary>
    /// Where an entry's image goes in the destination: its path with the format's extension
    /// ("a.jpg" as PNG: "a.jpg.png", as JPEG: "a.jpg"); an original kept as it was, with no format
    /// asked for, under its own name. Distinct originals never share an output name.
    /// </summary>
    public static string OutputName(string sourcePath, bool original, string? format)
    {
        if (format is null) return original ? sourcePath : ArchiveNaming.RestoredName(sourcePath);
        var f = OutputFormats.TryParse(format, out var parsed) ? parsed : OutputFormat.Png;
        var ext = OutputFormats.Extension(f);
        // Already the format's extension (a.jpeg as jpeg too): kept; otherwise appended, never replaced (a.png and a.jpg stay apart).
        bool same = OutputFormats.FromFileName(sourcePath) == f;
        return same ? sourcePath : sourcePath + ext;
    }

    /// <summary>SHA-256 of the file at <paramref name="path"/> (streamed: a restored image can be hundreds of MB), or null when there is none.</summary>
    private static async Task<string?> TryHashAsync(IBlobSource store, string path, CancellationToken ct)
    {
        try
        {
            await using var s = await store.OpenReadAsync(path, ct);
            return Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(s, ct));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException || e is global::Azure.RequestFailedException { Status: 404 })
        {
            return null;
        }
    }

    /// <summary>The entry, hash-checked; a missing or damaged one fails the item at once (retrying cannot repair it).</summary>
    private static async Task<ArchiveEntry> ReadEntryAsync(IBlobSource archive, string path, CancellationToken ct)
    {
        try { return await ArchiveEntries.ReadAsync(archive, path, ct); }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException) { throw new CodecInputException(e.Message, e); }
    }
}
