using HiFiC.Cli.Cluster;

namespace HiFiC.Cli.Tests;

/// <summary>
/// `hific silo`, `hific job ...`, `hific restore` without a cluster: argument and settings errors,
/// and an unreachable cluster. Runs against real silos are in tests/HiFiC.Cluster.Tests
/// (AzureTableClusterTests), which start `hific silo` processes.
/// </summary>
public sealed class ClusterCommandTests(TestModelFolder models) : CliTestBase(models)
{
    [Fact]
    public void Bad_arguments_are_usage_errors_before_any_connection()
    {
        Assert.Equal(ExitCodes.Usage, Run("silo", "not-a-setting").ExitCode);
        Assert.Equal(ExitCodes.Usage, Run("silo", "--config", In("missing.json")).ExitCode);
        Assert.Equal(ExitCodes.Usage, Run("job", "status").ExitCode);
        Assert.Equal(ExitCodes.Usage, Run("job", "submit", In("src")).ExitCode); // --out is required
        Assert.Equal(ExitCodes.Usage, Run("job", "submit", In("src"), "--out", In("dst"), "--rate", "lo", "--bpp", "0.2").ExitCode);
        Assert.Equal(ExitCodes.Usage, Run("job", "submit", In("src"), "--out", In("dst"), "--coordinators", "0").ExitCode);
        var restore = Run("restore", In("photo.png"), "-o", In("out.png"));
        Assert.Equal(ExitCodes.Usage, restore.ExitCode);
        Assert.Contains("not a .hific file", restore.Err);
        Assert.Equal(ExitCodes.Usage, Run("restore", In("a.png.hific"), "--region", "1,2,3").ExitCode);
    }

    [Fact]
    public void Job_restore_checks_its_settings_with_the_job_rules_before_connecting()
    {
        Assert.Equal(ExitCodes.Usage, Run("job", "restore", In("archive")).ExitCode); // --out is required
        var format = Run("job", "restore", In("archive"), "--out", In("out"), "--format", "gif", "HiFiC:Cluster:GatewayPort=1");
        Assert.Equal(ExitCodes.Usage, format.ExitCode);
        Assert.Contains("--format must be png, jpeg or webp", format.Err);
        var folder = Run("job", "restore", In("archive"), "--out", In("out"), "--folder", "../elsewhere", "HiFiC:Cluster:GatewayPort=1");
        Assert.Equal(ExitCodes.Usage, folder.ExitCode);
        Assert.Contains("--folder", folder.Err);
        var quality = Run("job", "restore", In("archive"), "--out", In("out"), "--format", "webp", "--quality", "101", "HiFiC:Cluster:GatewayPort=1");
        Assert.Equal(ExitCodes.Usage, quality.ExitCode);
        Assert.Contains("--quality", quality.Err);
        // Well-formed: it gets as far as the (absent) cluster.
        var unreachable = Run("job", "restore", In("archive"), "--out", In("out"), "--folder", "set1", "HiFiC:Cluster:GatewayPort=1", "HiFiC:Client:ConnectTimeout=00:00:01");
        Assert.Equal(ExitCodes.InputsFailed, unreachable.ExitCode);
        Assert.Contains("cannot reach cluster", unreachable.Err);
    }

    [Fact]
    public void An_unreachable_cluster_is_reported_in_one_line()
    {
        var run = Run("job", "status", "some-job", "HiFiC:Cluster:GatewayPort=1", "HiFiC:Client:ConnectTimeout=00:00:01");
        Assert.Equal(ExitCodes.InputsFailed, run.ExitCode);
        Assert.Contains("cannot reach cluster hific/hific-dev (Localhost clustering)", run.Err);
        Assert.DoesNotContain("   at ", run.Err);
    }

    [Theory]
    [InlineData("/data/archive/sub/a.png.hific", "/data/archive/sub", "a.png")]
    [InlineData("/data/archive/a.png.hific.json", "/data/archive", "a.png")]
    [InlineData("azblob://archive/v1/b.jpg.hific", "azblob://archive/v1", "b.jpg")]
    [InlineData("/data/archive/sub/a.png.0123456789abcdef.hific", "/data/archive/sub", "a.png")]
    public void Restore_splits_an_archived_path_into_the_archive_location_and_the_original_name(string path, string archive, string source) =>
        Assert.Equal((archive, source), RestoreCommand.Split(path));
}
