using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace HiFiC.Cluster.Web.Tests;

/// <summary>
/// The web host of <see cref="WebHostFixture"/> with the shipped model, plus one finished, verified
/// job ("browse") over images of very different difficulty (photos, a noisy gradient, a flat colour),
/// so their PSNR and savings differ and the browser's orders have something to order.
/// </summary>
public sealed class ArchiveBrowserFixture : IAsyncLifetime
{
    public const string JobId = "browse";
    public const int Size = 128;
    /// <summary>The shipped model: the tiny seeded one gives noise at about 10 dB, where "worst first" means little.</summary>
    public WebHostFixture Host { get; } = new() { Model = ShippedModel.Lite };
    public string Archive => Path.Combine(Host.Root, "browse-archive");
    public const string Worst = "synthetic/noisy.png";

    /// <summary>The archived paths: six photos of samples/ (centre crops at 128²), a noisy gradient (the worst, by far) and a flat colour.</summary>
    public static readonly IReadOnlyDictionary<string, string> Images = new Dictionary<string, string>
    {
        ["photos/flower.png"] = "B01_flower.png", ["photos/lake.png"] = "B02_cvo9xd_keong_macan_srgb8.png",
        ["photos/tulips.png"] = "B03_tmshre_riaphotographs_srgb8.png", ["photos/blossom.png"] = "B04_u76c0g_bliznaca_srgb8.png",
        ["photos/astronaut.png"] = "B06_astronaut.png", ["photos/coffee.png"] = "B07_coffee.png",
        [Worst] = "noise", ["synthetic/flat.png"] = "flat",
    };

    public async Task InitializeAsync()
    {
        await Host.InitializeAsync();
        var source = Path.Combine(Host.Root, "browse-src");
        foreach (var (path, from) in Images) Write(Path.Combine(source, path), from);
        var created = await Host.Client.PostAsJsonAsync("/api/jobs", new { id = JobId, source = "browse-src", destination = "browse-archive", tileSize = 64, verify = true });
        created.EnsureSuccessStatusCode();
        await Poll.UntilAsync(async () => JsonNode.Parse(await Host.Client.GetStringAsync($"/api/jobs/{JobId}"))!["status"]!["phase"]!.GetValue<string>(),
            phase => phase is "Done" or "Failed" or "Cancelled", TimeSpan.FromMinutes(5), $"job {JobId} to finish", TimeSpan.FromMilliseconds(200));
    }

    private static void Write(string path, string from)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var img = from switch
        {
            "flat" => new Image<Rgb24>(Size, Size, new Rgb24(90, 140, 200)),
            "noise" => Noise(),
            _ => Image.Load<Rgb24>(Path.Combine(RepoPaths.Samples, from)),
        };
        img.Mutate(c => c.Resize(new ResizeOptions { Size = new SixLabors.ImageSharp.Size(Size, Size), Mode = ResizeMode.Crop }));
        img.SaveAsPng(path);
    }

    private static Image<Rgb24> Noise()
    {
        var img = new Image<Rgb24>(Size, Size);
        var rng = new Random(7);
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
                img[x, y] = new Rgb24((byte)Math.Clamp(70 + y + rng.Next(-120, 121), 0, 255),
                    (byte)Math.Clamp(120 + y / 2 + rng.Next(-120, 121), 0, 255), (byte)Math.Clamp(220 - y + rng.Next(-120, 121), 0, 255));
        return img;
    }

    public Task DisposeAsync() => Host.DisposeAsync();
}
