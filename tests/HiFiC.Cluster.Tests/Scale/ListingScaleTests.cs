using System.Diagnostics;
using System.Globalization;
using System.Text;
using Azure.Storage.Blobs;
using HiFiC.Cluster.Silo.Azure;
using HiFiC.Cluster.Silo.Storage;
using HiFiC.Cluster.Silo.Storage.AzureBlob;
using HiFiC.Cluster.Tests.Azure;
using HiFiC.Cluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HiFiC.Cluster.Tests.Scale;

/// <summary>
/// Issue 22: listing one flat folder (or container) of 1k, 10k and 100k entries a page of 256 at a
/// time, as a job's coordinator does. "Before" lists and sorts the folder again for every page (no
/// listing cache, the code before issue 22); "after" keeps the folder's sorted listing between
/// pages. Pages/s side by side, in one run; a measurement, so gated with the scale run.
/// </summary>
public sealed class ListingScaleTests(ITestOutputHelper output) : IDisposable
{
    private const int Page = 256;
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [ScaleRunFact]
    public async Task Listing_a_flat_folder_costs_the_same_per_page_at_1k_10k_and_100k_entries()
    {
        var table = new StringBuilder()
            .AppendLine("| entries | store | before: pages/s (pages timed) | after: pages/s (all pages) | after / before |")
            .AppendLine("|---:|---|---:|---:|---:|");
        foreach (var n in new[] { 1_000, 10_000, 100_000 })
        {
            var root = temp.Sub($"flat{n}");
            for (int i = 0; i < n; i++) File.WriteAllBytes(Path.Combine(root, $"img{i:D6}.png"), [1]);
            // A folder changed in the last second is not cached (coarse file times): as if written a while ago.
            Directory.SetLastWriteTimeUtc(root, DateTime.UtcNow.AddMinutes(-1));
            // Before: each page costs the whole folder, so a few pages give its rate.
            var (beforePages, before) = await PagesPerSecondAsync(new LocalFolderBlobStore(root, false, cache: null), n, maxPages: n >= 100_000 ? 12 : 40);
            var (afterPages, after) = await PagesPerSecondAsync(new LocalFolderBlobStore(root, false, new FolderListingCache()), n, maxPages: int.MaxValue);
            Assert.Equal((n + Page - 1) / Page, afterPages);
            table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {n} | local folder | {before:F1} ({beforePages}) | {after:F1} ({afterPages}) | {after / before:F1}× |"));
            output.WriteLine(table.ToString().Split('\n')[^2]);
            Directory.Delete(root, recursive: true);
        }

        // A container: pages are the service's own (continuation tokens); only 'after' exists.
        var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        try
        {
            var service = new BlobServiceClient(azurite.ConnectionString, AzureServiceVersions.Blob());
            foreach (var n in new[] { 1_000, 10_000 })
            {
                var container = service.GetBlobContainerClient($"flat{n}");
                await container.CreateIfNotExistsAsync();
                await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = 16 },
                    async (i, ct) => await container.GetBlobClient($"in/img{i:D6}.png").UploadAsync(new BinaryData(new byte[] { 1 }), ct));
                var (pages, rate) = await PagesPerSecondAsync(new AzureBlobStore(container, "in", false, $"azblob://flat{n}/in"), n, int.MaxValue);
                Assert.Equal((n + Page - 1) / Page, pages);
                table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {n} | Azurite container | (same code) | {rate:F1} ({pages}) | |"));
                output.WriteLine(table.ToString().Split('\n')[^2]);
            }
        }
        finally { await azurite.DisposeAsync(); }

        output.WriteLine(table.ToString());
        var report = ScaleRunFactAttribute.ReportFolder(temp.Sub("report"));
        File.WriteAllText(Path.Combine(report, "listing.md"), table.ToString());
    }

    /// <summary>Lists pages from the start as a coordinator does (cursor to cursor); counts entries so a page lost or repeated fails.</summary>
    private static async Task<(int Pages, double PerSecond)> PagesPerSecondAsync(IBlobSource source, int n, int maxPages)
    {
        string? cursor = null;
        int pages = 0, seen = 0;
        string? last = null;
        var clock = Stopwatch.StartNew();
        do
        {
            var page = await source.ListAsync(cursor, Page, CancellationToken.None);
            foreach (var b in page.Items)
            {
                Assert.True(last is null || string.CompareOrdinal(b.Path, last) > 0, $"{b.Path} after {last}");
                last = b.Path;
                seen++;
            }
            cursor = page.Cursor;
            pages++;
        } while (cursor is not null && pages < maxPages);
        var seconds = clock.Elapsed.TotalSeconds;
        if (cursor is null) Assert.Equal(n, seen);
        return (pages, pages / seconds);
    }
}
