using System.Globalization;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Work;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Codec.Imaging;

namespace HiFiC.Cluster.Silo.Work;

/// <summary>
/// "Never worse than the original" (issue 17): decides when an archive entry holds the original's
/// bytes as they were instead of the .hific. Files the codec cannot represent whole are always kept
/// (<see cref="WholeImageCheck"/>); then, as the job's <see cref="KeepOriginalWhen"/> says, files whose
/// .hific would be no smaller than the original, and files whose decode misses the quality floor on
/// the whole image or on its worst tile. Below the floor with keeping off, the item fails.
/// </summary>
public static class KeepOriginalPolicy
{
    /// <summary>The floor an item carries (items queued before floors existed get the default).</summary>
    public static QualityFloor FloorOf(WorkItem item) => item.Quality ?? QualityFloor.Default;

    /// <summary>A floor needs the decode that verification does.</summary>
    public static bool MustVerify(WorkItem item) => item.Verify || FloorOf(item).HasFloor;

    /// <summary>Why the file is stored as it is without compressing it at all, or null. Only whole images (split ones were codable).</summary>
    public static string? BeforeCompressing(WorkItem item, byte[] original) =>
        item.Part == WorkPart.Whole ? WholeImageCheck.Reason(original) : null;

    /// <summary>Why the original is stored instead of this .hific, or null to store the .hific.</summary>
    /// <exception cref="CodecInputException">Below the floor while the job does not keep originals for that: the item fails.</exception>
    public static string? AfterCompressing(WorkItem item, long originalBytes, long hificBytes, CompressOutcome result)
    {
        var floor = FloorOf(item);
        if (floor.When.HasFlag(KeepOriginalWhen.Larger) && hificBytes >= originalBytes)
            return $"larger: the .hific would be {hificBytes} bytes, the original is {originalBytes}";
        if (BelowFloor(floor, result) is { } why)
        {
            if (floor.When.HasFlag(KeepOriginalWhen.BelowFloor)) return "belowFloor: " + why;
            throw new CodecInputException($"below the quality floor: {why} (keepOriginalWhen does not include belowFloor)");
        }
        return null;
    }

    /// <summary>How the decode misses the floor, or null when it reaches it (or there is none).</summary>
    public static string? BelowFloor(QualityFloor floor, CompressOutcome r)
    {
        if (!floor.HasFloor) return null;
        if (!r.Verified) return "the file was not decoded, so the floor could not be checked";
        // PSNR is null only when infinite (identical pixels); MS-SSIM only when not a number: that cannot pass.
        if (floor.MinMsSsim is { } ms)
        {
            if (r.MsSsim is not { } whole || whole < ms) return $"MS-SSIM {F(r.MsSsim)} < {F(ms)}";
            if (r.WorstTileMsSsim is not { } tile || tile < ms) return $"worst tile MS-SSIM {F(r.WorstTileMsSsim)} < {F(ms)}";
        }
        if (floor.MinPsnr is { } db)
        {
            if (r.Psnr is { } whole && whole < db) return $"PSNR {F(whole)} dB < {F(db)} dB";
            if (r.WorstTilePsnr is { } tile && tile < db) return $"worst tile PSNR {F(tile)} dB < {F(db)} dB";
        }
        return null;
    }

    /// <summary>
    /// The outcome to record for a file stored as it is before any compression: its upright size
    /// (from the header, no pixel decoded) and the job's model, so skip-existing recognises the entry.
    /// </summary>
    public static async Task<CompressOutcome> DescribeOriginalAsync(IImageCodec codec, WorkItem item, byte[] original, CancellationToken ct)
    {
        var (width, height) = await Task.Run(() => OriginalImage.UprightSize(original), ct);
        var model = await codec.ResolveModelAsync(item.ModelDigest, ct);
        return new CompressOutcome(width, height, 0, original.Length, original.Length * 8.0 / ((double)width * height), "",
            model.Id, model.Digest, Verified: false, null, null);
    }

    private static string F(double? v) => v is { } x ? x.ToString("0.####", CultureInfo.InvariantCulture) : "n/a";
}
