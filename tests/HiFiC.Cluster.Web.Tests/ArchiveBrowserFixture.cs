using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace HiFiC.Cluster.Web.Tests;

/// <summary>
/// The web host of <see cref="WebHostFixture"/> plus one finished, verified job ("browse") over
/// images of very different difficulty (smooth to noisy, one flat), so their PSNR and savings
/// differ and the browser's orders have something to order.
/// </summary>
public sealed class ArchiveBrowserFixture : IAsyncLifetime
{
    public const string JobId = "browse";
    public const int Size = 128;
    public WebHostFixture Host { get; } = new();
    public string Archive => Path.Combine(Host.Root, "browse-archive");

    /// <summary>Path → noise amplitude (0 = smooth; the flat one has no content at all).</summary>
    public static readonly IReadOnlyDictionary<string, int> Images = new Dictionary<string, int>
    {
        ["beach/calm-0.png"] = 0, ["beach/calm-1.png"] = 4, ["beach/noisy-2.png"] = 60,
        ["city/calm-3.png"] = 2, ["city/noisy-4.png"] = 120, ["city/noisy-5.png"] = 30,
        ["flat-6.png"] = -1, ["sky-7.png"] = 10,
    };

    public async Task InitializeAsync()
    {
        await Host.InitializeAsync();
        var source = Path.Combine(Host.Root, "browse-src");
        int seed = 0;
        foreach (var (path, noise) in Images) Write(Path.Combine(source, path), noise, seed++);
        var created = await Host.Client.PostAsJsonAsync("/api/jobs", new { id = JobId, source = "browse-src", destination = "browse-archive", tileSize = 64, verify = true });
        created.EnsureSuccessStatusCode();
        await Poll.UntilAsync(async () => JsonNode.Parse(await Host.Client.GetStringAsync($"/api/jobs/{JobId}"))!["status"]!["phase"]!.GetValue<string>(),
            phase => phase is "Done" or "Failed" or "Cancelled", TimeSpan.FromMinutes(3), $"job {JobId} to finish", TimeSpan.FromMilliseconds(200));
    }

    private static void Write(string path, int noise, int seed)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var img = new Image<Rgb24>(Size, Size);
        var rng = new Random(seed);
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
            {
                if (noise < 0) { img[x, y] = new Rgb24(90, 140, 200); continue; }
                // A sky-to-sand gradient with a sun, plus noise that the codec cannot keep.
                double sun = Math.Max(0, 1 - Math.Sqrt((x - 90) * (x - 90) + (y - 30) * (y - 30)) / 25);
                int n() => noise == 0 ? 0 : rng.Next(-noise, noise + 1);
                img[x, y] = new Rgb24(
                    (byte)Math.Clamp(70 + y + 120 * sun + n(), 0, 255),
                    (byte)Math.Clamp(120 + y / 2 + 100 * sun + n(), 0, 255),
                    (byte)Math.Clamp(220 - y + n(), 0, 255));
            }
        img.SaveAsPng(path);
    }

    public Task DisposeAsync() => Host.DisposeAsync();
}
