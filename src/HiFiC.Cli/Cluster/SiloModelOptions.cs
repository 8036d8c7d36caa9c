namespace HiFiC.Cli.Cluster;

/// <summary>Bound from "HiFiC:Models": where `hific silo` finds models, and which one it loads at start.</summary>
public sealed class SiloModelOptions
{
    public const string Section = "HiFiC:Models";

    /// <summary>A models folder (default: the usual search: $HIFIC_MODELS, models/ beside the program, ...).</summary>
    public string? Folder { get; set; }

    /// <summary>Model loaded at start so a missing model fails the silo at once (default: the default model, hific-lite-ctx). Jobs may name others.</summary>
    public string? Preload { get; set; }
}
