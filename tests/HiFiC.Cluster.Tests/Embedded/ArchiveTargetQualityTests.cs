using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Embedded;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Coding.ConstantQuality;
using HiFiC.Codec.Imaging;
using HiFiC.TestSupport;

namespace HiFiC.Cluster.Tests.Embedded;

/// <summary>
/// Issue 15, item 6 (constant quality) through the embedded silo on a real folder archive: each image
/// is coded at the rate the codec's search chooses for it, the manifest records that rate and whether
/// the target was reached, and the job's status counts the rates chosen.
/// </summary>
public sealed class ArchiveTargetQualityTests : IDisposable
{
    private readonly TempFolder temp = new();
    private readonly FixedModelSource models = new(TestModel.Tiny);

    public void Dispose() => temp.Dispose();

    private static ArchiveManifest Manifest(string dst, string path) => ArchiveManifest.FromJson(File.ReadAllBytes(Path.Combine(dst, ArchiveNaming.Manifest(path))));

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.2)]
    [InlineData(double.NaN)]
    public void The_validator_refuses_a_target_outside_0_to_1(double q)
    {
        var errors = JobSpecValidator.Check(new JobSpec { Source = "s", Destination = "d", TargetMsSsim = q });
        Assert.Contains(errors, e => e.Field == "targetMsSsim");
    }

    [Fact]
    public void The_validator_refuses_a_target_together_with_a_rate_or_rate_name()
    {
        Assert.Empty(JobSpecValidator.Check(new JobSpec { Source = "s", Destination = "d", TargetMsSsim = 0.95 }));
        Assert.Contains(JobSpecValidator.Check(new JobSpec { Source = "s", Destination = "d", TargetMsSsim = 0.95, Rate = 0.5 }), e => e.Field == "targetMsSsim");
        Assert.Contains(JobSpecValidator.Check(new JobSpec { Source = "s", Destination = "d", TargetMsSsim = 0.95, RateName = "lo" }), e => e.Field == "targetMsSsim");
    }

    [Fact]
    public async Task Each_image_gets_the_rate_the_search_chooses_recorded_in_its_manifest_and_counted_in_the_status()
    {
        var src = temp.Sub("photos");
        var dst = temp.Sub("archive");
        TestImages.WritePng(Path.Combine(src, "a.png"), 96, 64, seed: 3);
        TestImages.WritePng(Path.Combine(src, "b.png"), 64, 64, seed: 8);
        const double target = 0.5; // the tiny model reaches it somewhere, or stops at its knee: both are recorded

        var summary = await ArchiveRunner.CompressAsync(new ArchiveRunOptions
        {
            Source = src, Destination = dst, TileSize = 64, Models = models, ModelInstances = 1, ThreadsPerInstance = 1,
            StatusInterval = TimeSpan.FromMilliseconds(50), TargetMsSsim = target, KeepOriginalWhen = KeepOriginalWhen.Never,
        });

        Assert.Equal(JobPhase.Done, summary.Status.Phase);
        Assert.Equal(2L, summary.Status.Done);
        Assert.Equal(target, summary.Status.Spec!.TargetMsSsim);
        foreach (var name in new[] { "a.png", "b.png" })
        {
            var m = Manifest(dst, name);
            Assert.Equal(target, m.TargetMsSsim);
            // The codec alone, on the same pixels, chooses the same rate and writes the same bytes.
            var image = ImageIO.Load(Path.Combine(src, name));
            using var encoder = new ConstantQualityEncoder(TestModel.Tiny);
            using var direct = new MemoryStream();
            var expected = encoder.Compress(image, direct, new QualityTarget(target), new CompressOptions { TileSize = 64 });
            Assert.Equal(expected.Choice.Rate, m.Rate);
            Assert.Equal(expected.Choice.Reached, m.TargetReached);
            Assert.Equal(direct.Length, m.OutputSize);
            Assert.Equal(m.OutputSize * 8.0 / (m.Width * m.Height), m.Bpp, 9);
        }
        var rates = new[] { "a.png", "b.png" }.Select(n => Manifest(dst, n).Rate).ToList();
        Assert.Equal(rates.GroupBy(r => r).OrderBy(g => g.Key).Select(g => new RateCount(g.Key, g.Count())), summary.Status.ChosenRates);
        Assert.Equal(new[] { "a.png", "b.png" }.Count(n => Manifest(dst, n).TargetReached == false), summary.Status.TargetMissed);
    }
}
