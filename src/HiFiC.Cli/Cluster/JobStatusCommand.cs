using System.CommandLine;
using System.Text.Json;
using HiFiC.Cli.Output;

namespace HiFiC.Cli.Cluster;

/// <summary>`hific job status ID [--json]`: one snapshot of a job (counters, bytes, bpp, rate, ETA, failures).</summary>
public sealed class JobStatusCommand : JobClientCommand
{
    private readonly Argument<string> id = JobCommand.Id();
    private readonly Option<bool> json = new("--json") { Description = "The full status as JSON on stdout." };

    private static readonly JsonSerializerOptions Json = new(JsonReport.Options)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public JobStatusCommand(CliContext cli) : base(cli, "status", "Show a job's progress.")
    {
        Add(id); Add(json);
    }

    protected override async Task<int> ExecuteAsync(CliContext cli, ParseResult r, IClusterClient client, CancellationToken ct)
    {
        var (_, status) = await FindAsync(client, r.GetValue(id)!);
        if (r.GetValue(json))
            cli.Out.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(status, Json));
        else
            JobStatusText.Write(cli, status);
        return ExitCodes.Ok;
    }
}
