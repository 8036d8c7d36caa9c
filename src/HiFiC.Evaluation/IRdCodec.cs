namespace HiFiC.Evaluation;

/// <summary>Anything the RD benchmark sweeps: a classic codec run as external tools, or one of our models.</summary>
public interface IRdCodec
{
    string Name { get; }
    string Label { get; }
    /// <summary><see cref="RdPoint.ClassicKind"/> or <see cref="RdPoint.LearnedKind"/>.</summary>
    string Kind { get; }
    string SettingName { get; }
    /// <summary>The sweep, from lowest to highest quality.</summary>
    IReadOnlyList<double> Settings { get; }
    string FormatSetting(double setting);
    Task<CodecRun> RunAsync(ReferenceImage reference, double setting, string workDir, CancellationToken ct);
}
