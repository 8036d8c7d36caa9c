using System.CommandLine;
using HiFiC.Cli.Bench;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;

namespace HiFiC.Cli.Bench;

/// <summary>
/// `hific bench scale`: a job over N generated images through Azure Storage (Azurite on a
/// development machine), real `hific silo` processes and the real codec, with the job grain's silo
/// killed half way; writes scale-N.md, scale-N.csv and scale-N.svg (see <see cref="ScaleBenchmark"/>).
/// </summary>
public sealed class BenchScaleCommand : Command
{
    private readonly Option<int> images = new("--images") { Description = "Generated images (32-64 px) to archive.", DefaultValueFactory = _ => 1000 };
    private readonly Option<int> silos = new("--silos") { Description = "`hific silo` processes (1 model thread each).", DefaultValueFactory = _ => 2 };
    private readonly Option<int> coordinators = new("--coordinators") { Description = "Coordinator grains of the job (JobSpec.Coordinators, 1-64).", DefaultValueFactory = _ => 1 };
    private readonly Option<string> preset = new("--preset") { Description = "Model preset with seeded weights (tiny, lite, ...).", DefaultValueFactory = _ => "tiny" };
    private readonly Option<string?> connection = new("--connection") { Description = "Azure Storage connection string (Azurite: UseDevelopmentStorage=true); default HiFiC__AzureStorage__ConnectionString." };
    private readonly Option<string> report = new("--report") { Description = "Folder for scale-N.md, scale-N.csv and scale-N.svg.", DefaultValueFactory = _ => "bench-scale" };
    private readonly Option<bool> noKill = new("--no-kill") { Description = "Do not kill the job grain's silo half way." };
    private readonly Option<int> pageSize = new("--page-size") { Description = "Source entries listed per page (HiFiC:Jobs:PageSize).", DefaultValueFactory = _ => 256 };
    private readonly Option<int> maxInFlight = new("--max-in-flight") { Description = "Items in flight per coordinator (HiFiC:Jobs:MaxInFlight).", DefaultValueFactory = _ => 1024 };
    private readonly Option<int> consumers = new("--consumers") { Description = "Queue consumers per silo (HiFiC:Worker:Consumers).", DefaultValueFactory = _ => 2 };
    private readonly Option<int> receiveBatch = new("--receive-batch") { Description = "Messages each consumer receives per call and works on at once (HiFiC:Worker:ReceiveBatch, 1-32).", DefaultValueFactory = _ => 8 };

    public BenchScaleCommand(CliContext cli) : base("scale", "Archive N generated images through Azure Storage and real silo processes; report items/s, state size, queue depth, RSS and recovery from killing the coordinator's silo.")
    {
        Add(images); Add(silos); Add(coordinators); Add(preset); Add(connection); Add(report); Add(noKill); Add(pageSize); Add(maxInFlight); Add(consumers); Add(receiveBatch);
        SetAction((r, ct) => ExecuteAsync(cli, r, ct));
    }

    private async Task<int> ExecuteAsync(CliContext cli, ParseResult r, CancellationToken ct)
    {
        int n = r.GetValue(images), s = r.GetValue(silos), c = r.GetValue(coordinators);
        if (n < 2 || n > 10_000_000) throw new UsageException("--images must be between 2 and 10,000,000.");
        if (s < 1 || s > 16) throw new UsageException("--silos must be between 1 and 16.");
        if (c < 1 || c > HiFiC.Cluster.Contracts.Jobs.JobSpecValidator.MaxCoordinators) throw new UsageException($"--coordinators must be between 1 and {HiFiC.Cluster.Contracts.Jobs.JobSpecValidator.MaxCoordinators}.");
        if (r.GetValue(pageSize) < 1 || r.GetValue(maxInFlight) < 1 || r.GetValue(consumers) < 1) throw new UsageException("--page-size, --max-in-flight and --consumers must be positive.");
        if (r.GetValue(receiveBatch) is < 1 or > 32) throw new UsageException("--receive-batch must be between 1 and 32.");
        HificPreset p;
        try { p = HificPreset.ByName(r.GetValue(preset)!); } catch (ArgumentException e) { throw new UsageException(e.Message); }
        var conn = r.GetValue(connection) ?? Environment.GetEnvironmentVariable("HiFiC__AzureStorage__ConnectionString");
        if (string.IsNullOrWhiteSpace(conn)) throw new UsageException("--connection (or HiFiC__AzureStorage__ConnectionString) must name the Azure Storage account (Azurite: UseDevelopmentStorage=true).");
        var options = new ScaleBenchmarkOptions(conn, n, s, c, p, Path.GetFullPath(r.GetValue(report)!), !r.GetValue(noKill),
            r.GetValue(pageSize), r.GetValue(maxInFlight), r.GetValue(consumers), r.GetValue(receiveBatch), "s" + Guid.NewGuid().ToString("N")[..10]);
        return await new ScaleBenchmark(cli, options).RunAsync(ct);
    }
}
