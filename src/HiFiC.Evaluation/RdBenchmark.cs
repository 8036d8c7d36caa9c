using HiFiC.Codec.Networks;
using System.Collections.Concurrent;
using System.Diagnostics;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Metrics;
using HiFiC.Codec.Models;
using Microsoft.Extensions.Logging;

namespace HiFiC.Evaluation;

/// <summary>
/// The rate–distortion benchmark (`hific bench rd`): every image of a folder through every codec
/// at every setting of its sweep, measured with one metric implementation (PSNR and MS-SSIM on
/// 8-bit RGB), then the CSV, the BD-rate tables, the RD plots and the crop sheet.
/// </summary>
public static class RdBenchmark
{
    // No PPM/PGM sources: ImageSharp's PBM decoder misreads some of them (see Ppm).
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff"];

    public static async Task<RdReportSummary> RunAsync(RdBenchmarkOptions options, ILogger logger, CancellationToken ct)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        // Checked before anything else: a missing tool found 20 minutes in would waste the run.
        var classic = ResolveClassic(options);
        ClassicCodecs.EnsureInstalled(classic);
        var images = ListImages(options);
        CropSheet.ResolveImage(images, options.CropSheetImage); // a typo in the name fails now, not after the sweep
        var owned = new List<CodecModel>();
        var learned = new List<LearnedCodec>();
        var workRoot = Directory.CreateTempSubdirectory("hific-rd-").FullName;
        try
        {
            var models = options.LoadedModels.ToList();
            if (options.Models.Count > 0)
            {
                // Models loaded here through a registry made here are ours to dispose.
                var registry = options.Registry ?? ModelRegistry.FromEnvironment();
                foreach (var name in options.Models)
                {
                    var model = registry.Load(name);
                    if (models.Contains(model)) continue;
                    models.Add(model);
                    if (options.Registry is null) owned.Add(model);
                }
            }
            learned.AddRange(models.Select(m => new LearnedCodec(m, options.ModelRates)));
            foreach (int steps in options.RefineSteps.Where(s => s > 0).Distinct().Order())
                learned.AddRange(models.Select(m => new LearnedCodec(m, options.RefineRates ?? options.ModelRates, steps, options.RefineTileSize)));
            IReadOnlyList<IRdCodec> codecs = [.. learned, .. classic, .. options.AdditionalCodecs];
            logger.LogInformation("RD benchmark: {Images} images x {Codecs} ({Runs} encodes), {Workers} worker(s)",
                images.Count, string.Join(", ", codecs.Select(c => $"{c.Name}[{c.Settings.Count}]")),
                images.Count * codecs.Sum(c => c.Settings.Count), Math.Min(options.Threads, RdBenchmarkOptions.MaxWorkers));

            var versions = await ToolVersionsAsync(classic, ct).ConfigureAwait(false);
            var cache = OpenCache(options, logger);
            var (points, failures) = await MeasureAsync(images, codecs, workRoot, options, cache, versions, logger, ct).ConfigureAwait(false);
            var measured = clock.Elapsed;
            var curves = codecs.Select(c => RdCurve.Mean(c.Name, c.Label, points)).Where(c => c.Points.Count > 0).ToList();
            // Anchors: the classic codecs and every model without refinement (what refinement is measured against).
            var anchors = codecs.Where(c => c.Kind == RdPoint.ClassicKind || c is LearnedCodec { RefineSteps: 0 }).Select(c => c.Name).ToList();
            var bdRates = BdRateTable.Build(curves, points, anchors);

            Directory.CreateDirectory(options.OutDir);
            var files = new List<string>();
            files.AddRange(RdPlots.Write(curves, options.OutDir));
            CropSheetResult? crops = null;
            try
            {
                crops = await CropSheet.CreateAsync(images, codecs, points, options, Path.Combine(workRoot, "crops"), ct).ConfigureAwait(false);
                files.AddRange(crops.Files);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add($"crop sheet: {e.Message}");
                logger.LogWarning("Crop sheet failed: {Message}", e.Message);
            }
            files.InsertRange(0, RdReport.FilesIn(options.OutDir));
            var summary = new RdReportSummary(Path.GetFullPath(options.OutDir), images.Count, points, curves, bdRates, failures, files, clock.Elapsed, cache?.Hits ?? 0);
            RdReport.Write(summary, codecs, versions, crops, measured, options.ImageDir);
            logger.LogInformation("RD benchmark done in {Elapsed}: {Points} points, {Failures} failures; report in {Dir}",
                clock.Elapsed.ToString(@"h\:mm\:ss"), points.Count, failures.Count, summary.OutDir);
            return summary;
        }
        finally
        {
            foreach (var l in learned) l.Dispose();
            foreach (var m in owned) m.Dispose();
            try { Directory.Delete(workRoot, true); } catch (IOException) { /* a tool still holding a file: leave the temp dir */ }
        }
    }

    private static RdPointCache? OpenCache(RdBenchmarkOptions options, ILogger logger)
    {
        if (options.CacheDir is null) return null;
        try
        {
            var cache = RdPointCache.Open(options.CacheDir);
            logger.LogInformation("Points are cached in {File}", cache.FilePath);
            return cache;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache is an optimisation: without it every point is measured.
            logger.LogWarning("No point cache ({Message}); measuring every point", e.Message);
            return null;
        }
    }

    private static List<ClassicCodec> ResolveClassic(RdBenchmarkOptions options) =>
        options.Codecs.Select(ClassicCodecs.ByName).Distinct()
            .Select(c => options.Sweeps.TryGetValue(c.Name, out var sweep) ? c with { Settings = sweep } : c)
            .ToList();

    private static List<string> ListImages(RdBenchmarkOptions options)
    {
        var files = Directory.EnumerateFiles(options.ImageDir)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (options.MaxImages is int n) files = files.Take(n).ToList();
        if (files.Count == 0) throw new FileNotFoundException($"No images ({string.Join(", ", ImageExtensions)}) in {options.ImageDir}.");
        return files;
    }

    private static async Task<(List<RdPoint> Points, List<string> Failures)> MeasureAsync(IReadOnlyList<string> images,
        IReadOnlyList<IRdCodec> codecs, string workRoot, RdBenchmarkOptions options, RdPointCache? cache,
        IReadOnlyDictionary<string, string> versions, ILogger logger, CancellationToken ct)
    {
        var results = new ConcurrentDictionary<int, List<RdPoint>>();
        var failures = new ConcurrentQueue<string>();
        int done = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Min(options.Threads, RdBenchmarkOptions.MaxWorkers), CancellationToken = ct };
        await Parallel.ForEachAsync(Enumerable.Range(0, images.Count), parallel, async (i, token) =>
        {
            var clock = Stopwatch.StartNew();
            var workDir = Path.Combine(workRoot, i.ToString());
            var points = new List<RdPoint>();
            try
            {
                var reference = ReferenceImage.Create(images[i], workDir);
                string? pixelHash = cache is null ? null : RdPointCache.PixelHash(reference);
                foreach (var codec in codecs)
                    foreach (var setting in codec.Settings)
                    {
                        try
                        {
                            string? key = pixelHash is null ? null : RdPointCache.KeyFor(pixelHash, codec, setting, versions);
                            if (key is not null && cache!.TryGet(key, out var hit) && (double.IsFinite(hit.Butteraugli) || Butteraugli.Find() is null))
                            {
                                points.Add(Point(reference, codec, setting, hit.Bytes, hit.Psnr, hit.MsSsim, hit.EncodeSeconds, hit.DecodeSeconds, hit.Butteraugli)
                                    with { RefinedTiles = hit.RefinedTiles, TilesKeptPlain = hit.TilesKeptPlain });
                                continue;
                            }
                            var point = (await MeasureOneAsync(reference, codec, setting, workDir, token).ConfigureAwait(false)).Point;
                            points.Add(point);
                            if (key is not null)
                                cache!.Add(key, new RdPointCache.Entry(point.Bytes, point.Psnr, point.MsSsim, point.EncodeSeconds, point.DecodeSeconds, point.Butteraugli,
                                    point.RefinedTiles, point.TilesKeptPlain));
                        }
                        catch (Exception e) when (e is not OperationCanceledException)
                        {
                            // One bad setting should not cost the whole run: note it and go on.
                            var what = $"{Path.GetFileName(images[i])} {codec.Name} {codec.SettingName} {codec.FormatSetting(setting)}: {e.Message}";
                            failures.Enqueue(what);
                            logger.LogWarning("Failed: {What}", what);
                        }
                    }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Enqueue($"{Path.GetFileName(images[i])}: {e.Message}");
                logger.LogWarning("Skipped {Image}: {Message}", images[i], e.Message);
            }
            finally
            {
                try { Directory.Delete(workDir, true); } catch (DirectoryNotFoundException) { }
            }
            results[i] = points;
            int n = Interlocked.Increment(ref done);
            logger.LogInformation("[{Done}/{Total}] {Image}: {Points} points in {Seconds:F1} s",
                n, images.Count, Path.GetFileName(images[i]), points.Count, clock.Elapsed.TotalSeconds);
            NativeMemory.Trim(); // torch and the metrics allocate natively per image; glibc keeps freed arenas otherwise
        }).ConfigureAwait(false);
        var ordered = Enumerable.Range(0, images.Count).SelectMany(i => results.GetValueOrDefault(i) ?? []).ToList();
        return (ordered, failures.ToList());
    }

    /// <summary>Codes one image at one setting and measures it; the decoded pixels are returned for the crop sheet.</summary>
    internal static async Task<(RdPoint Point, RgbImage Decoded)> MeasureOneAsync(ReferenceImage reference, IRdCodec codec, double setting,
        string workDir, CancellationToken ct)
    {
        var run = await codec.RunAsync(reference, setting, workDir, ct).ConfigureAwait(false);
        var rgb = reference.Rgb;
        double butteraugli = await Butteraugli.DistanceAsync(reference.PngPath, run.Decoded, workDir, ct).ConfigureAwait(false);
        var point = Point(reference, codec, setting, run.Bytes, Psnr.Compute(rgb, run.Decoded), MsSsim.Compute(rgb, run.Decoded),
            run.EncodeTime.TotalSeconds, run.DecodeTime.TotalSeconds, butteraugli) with { RefinedTiles = run.RefinedTiles, TilesKeptPlain = run.TilesKeptPlain };
        return (point, run.Decoded);
    }

    private static RdPoint Point(ReferenceImage reference, IRdCodec codec, double setting, long bytes, double psnr, double msSsim,
        double encodeSeconds, double decodeSeconds, double butteraugli) =>
        new(reference.Name, reference.Rgb.Width, reference.Rgb.Height, codec.Name, codec.Kind, codec.SettingName, setting,
            bytes, Bpp.FromBytes(bytes, reference.Rgb.Width, reference.Rgb.Height), psnr, msSsim, encodeSeconds, decodeSeconds, butteraugli);

    private static async Task<IReadOnlyDictionary<string, string>> ToolVersionsAsync(IEnumerable<ClassicCodec> codecs, CancellationToken ct)
    {
        var versions = new Dictionary<string, string>();
        foreach (var c in codecs)
            versions[c.Name] = await ExternalTool.VersionAsync(c.Encoder, c.VersionArgs, ct).ConfigureAwait(false);
        return versions;
    }
}
