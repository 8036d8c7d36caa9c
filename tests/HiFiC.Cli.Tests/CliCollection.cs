namespace HiFiC.Cli.Tests;

/// <summary>
/// Every CLI test runs in this one collection: they set HIFIC_MODELS and the working folder,
/// which are process-wide, so they must not run in parallel.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<TestModelFolder>
{
    public const string Name = "hific CLI";
}
