namespace HiFiC.Cli.Tests;

/// <summary>
/// Runs `hific` in-process with HIFIC_MODELS pointing at the test model and the working folder
/// set to a fresh temporary folder (so no models/ folder of the repository is found), restoring
/// both afterwards.
/// </summary>
[Collection(CliCollection.Name)]
public abstract class CliTestBase : IDisposable
{
    private readonly string? previousModels = Environment.GetEnvironmentVariable("HIFIC_MODELS");
    private readonly string previousDirectory = Environment.CurrentDirectory;

    protected CliTestBase(TestModelFolder models)
    {
        Models = models;
        Work = Directory.CreateTempSubdirectory("hific-cli-test-").FullName;
        Environment.SetEnvironmentVariable("HIFIC_MODELS", models.Root);
        Environment.CurrentDirectory = Work;
    }

    protected TestModelFolder Models { get; }
    protected string Work { get; }

    protected string In(params string[] parts) => Path.Combine([Work, .. parts]);

    protected static CliRun Run(params string[] args) => RunAsync(CancellationToken.None, args).GetAwaiter().GetResult();

    protected static async Task<CliRun> RunAsync(CancellationToken ct, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await HificCli.RunAsync(args, output, error, ct);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>Every file under a folder with its bytes, to prove inputs were not touched.</summary>
    protected static Dictionary<string, byte[]> Snapshot(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);

    public void Dispose()
    {
        Environment.CurrentDirectory = previousDirectory;
        Environment.SetEnvironmentVariable("HIFIC_MODELS", previousModels);
        try { Directory.Delete(Work, true); } catch (IOException) { }
        GC.SuppressFinalize(this);
    }
}
