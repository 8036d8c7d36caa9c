namespace HiFiC.Cli.Eval;

/// <summary>The --json document of `hific eval`.</summary>
public sealed record EvalReport(
    EvalModel Model, double Rate, string RateLabel, int TileSize, int Threads,
    IReadOnlyList<EvalRow> Images, EvalMeans? Mean, IReadOnlyList<EvalFailure> Failures, DateTime CreatedUtc);

public sealed record EvalModel(string Id, string Preset, string Digest);

public sealed record EvalFailure(string File, string Error);
