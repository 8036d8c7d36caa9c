using System.Text.RegularExpressions;
using HiFiC.Deployment.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HiFiC.Deployment.Tests.Images;

/// <summary>
/// deploy/*.Dockerfile, read as text (no Docker engine here to build them): multi-stage, the
/// runtime stage runs as a non-root user with a health check and an exec-form entry point that
/// receives SIGTERM, nothing secret in ENV/ARG, and the silo image's TORCH_DEVICE build argument
/// reaching HiFiC.Codec's TorchDevice property, whose package choice MSBuild evaluates here.
/// </summary>
public sealed partial class DockerfileTests(ITestOutputHelper output)
{
    public static TheoryData<string> Files => new() { "silo.Dockerfile", "web.Dockerfile" };

    private static List<(string Instruction, string Args)> Instructions(string file)
    {
        // Join continuation lines, drop comments.
        var joined = Regex.Replace(File.ReadAllText(Repo.Path("deploy", file)), @"\\\r?\n", " ");
        return joined.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => { int s = l.IndexOf(' '); return (l[..s].ToUpperInvariant(), l[(s + 1)..].Trim()); }).ToList();
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void The_image_is_multi_stage_non_root_health_checked_and_without_secrets(string file)
    {
        var all = Instructions(file);
        int lastFrom = all.FindLastIndex(i => i.Instruction == "FROM");
        Assert.True(all.Count(i => i.Instruction == "FROM") >= 2, "build and runtime stages");
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:", all.First(i => i.Instruction == "FROM").Args);
        var runtime = all[lastFrom..];
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", runtime[0].Args);
        Assert.Contains(runtime, i => i.Instruction == "COPY" && i.Args.StartsWith("--from=build", StringComparison.Ordinal));

        var user = runtime.Last(i => i.Instruction == "USER").Args;
        Assert.DoesNotMatch("^(root|0)(:|$)", user);
        Assert.True(runtime.FindLastIndex(i => i.Instruction == "USER") > runtime.FindLastIndex(i => i.Instruction == "RUN"), "USER after the last RUN");
        var health = runtime.Single(i => i.Instruction == "HEALTHCHECK").Args;
        Assert.Contains("CMD", health);
        var entry = runtime.Single(i => i.Instruction == "ENTRYPOINT").Args;
        Assert.StartsWith("[\"dotnet\"", entry); // exec form: dotnet is PID 1 and gets the SIGTERM
        foreach (var (instruction, args) in all.Where(i => i.Instruction is "ENV" or "ARG" or "LABEL"))
            Assert.DoesNotMatch(SecretLike(), args);
        // Settings belong to the deployment: an image's HiFiC__ variable would override its settings files.
        Assert.DoesNotContain(runtime, i => i.Instruction == "ENV" && i.Args.Contains("HiFiC__", StringComparison.Ordinal));
        output.WriteLine($"{file}: user {user}; {health}");
    }

    [Fact]
    public void The_silo_image_picks_LibTorch_by_its_TORCH_DEVICE_build_argument()
    {
        var silo = Instructions("silo.Dockerfile");
        Assert.Contains(silo, i => i.Instruction == "ARG" && i.Args == "TORCH_DEVICE=cpu");
        Assert.Contains(silo, i => i.Instruction == "RUN" && i.Args.Contains("dotnet publish src/HiFiC.Cli/HiFiC.Cli.csproj", StringComparison.Ordinal)
                                   && i.Args.Contains("-p:TorchDevice=${TORCH_DEVICE}", StringComparison.Ordinal));
        var ignore = File.ReadAllLines(Repo.Path(".dockerignore"));
        Assert.Contains("models/*/training/", ignore);
        Assert.Contains(".env", ignore);
    }

    [Theory]
    [InlineData("cpu", "libtorch-cpu-linux-x64")]
    [InlineData("cuda", "TorchSharp-cuda-linux")]
    public async Task TorchDevice_selects_the_LibTorch_package(string device, string package)
    {
        // Evaluation only: the CUDA package is not restorable here, but which one a CUDA image
        // restores is decided by this evaluation.
        var (code, stdout, stderr) = await Tool.RunAsync("dotnet",
            ["msbuild", Repo.Path("src", "HiFiC.Codec", "HiFiC.Codec.csproj"), "-getItem:PackageReference", $"-p:TorchDevice={device}", "-nologo"],
            Repo.Root, timeout: TimeSpan.FromMinutes(2));
        Assert.True(code == 0, stderr + stdout);
        var packages = PackageIdentity().Matches(stdout).Select(m => m.Groups[1].Value).ToList();
        output.WriteLine(string.Join(", ", packages));
        Assert.Contains(package, packages);
        Assert.Contains("TorchSharp", packages);
        Assert.Single(packages, p => p is "libtorch-cpu-linux-x64" or "TorchSharp-cuda-linux");
    }

    [GeneratedRegex("\"Identity\": \"([^\"]+)\"")]
    private static partial Regex PackageIdentity();

    [GeneratedRegex("(?i)(ConnectionString|ApiKey|AccountKey|Password|Secret|Token)\\s*=")]
    private static partial Regex SecretLike();
}
