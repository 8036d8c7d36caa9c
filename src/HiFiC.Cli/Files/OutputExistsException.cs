namespace HiFiC.Cli.Files;

/// <summary>The output is already there and --overwrite was not given: that file fails, nothing is touched.</summary>
public sealed class OutputExistsException(string path) : IOException($"{path} already exists (use --overwrite to replace it)")
{
    public string Path { get; } = path;
}
