using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace HiFiC.Deployment.Tests.Images;

/// <summary>
/// The web host depends on the contracts only (issue 20 item 3): its project references
/// HiFiC.Cluster.Contracts and nothing else of ours, its assembly references no silo, codec or
/// TorchSharp, the built host's dependency closure (what `dotnet publish` copies) holds no LibTorch,
/// and the web image ships no models. Embedded mode is composed elsewhere (`hific web`).
/// </summary>
public sealed partial class WebImageContractTests
{
    private static readonly string[] Forbidden = ["HiFiC.Codec", "HiFiC.Cluster.Silo", "HiFiC.Training", "HiFiC.Evaluation", "TorchSharp", "libtorch"];

    [Fact]
    public void The_web_project_references_the_contracts_only_and_the_contracts_reference_no_project()
    {
        static List<string> ProjectReferences(params string[] path) =>
            XDocument.Load(Repo.Path(path)).Descendants("ProjectReference").Select(p => Path.GetFileName(p.Attribute("Include")!.Value)).ToList();
        Assert.Equal(["HiFiC.Cluster.Contracts.csproj"], ProjectReferences("src", "HiFiC.Cluster.Web", "HiFiC.Cluster.Web.csproj"));
        Assert.Empty(ProjectReferences("src", "HiFiC.Cluster.Contracts", "HiFiC.Cluster.Contracts.csproj"));
    }

    [Fact]
    public void The_web_assembly_references_no_silo_codec_or_TorchSharp()
    {
        var references = typeof(HiFiC.Cluster.Web.Hosting.HificWeb).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("HiFiC.Cluster.Contracts", references);
        foreach (var name in references)
            Assert.DoesNotContain(Forbidden, f => name.StartsWith(f, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void The_built_web_host_carries_no_LibTorch_or_codec_in_its_dependency_closure()
    {
        // deps.json lists every library the host loads, packages and native assets included: what publish copies.
        var deps = Path.ChangeExtension(HificProcess.BuiltAssembly("HiFiC.Cluster.Web", "HiFiC.Cluster.Web"), ".deps.json");
        using var json = JsonDocument.Parse(File.ReadAllText(deps));
        var libraries = json.RootElement.GetProperty("libraries").EnumerateObject().Select(l => l.Name).ToList();
        Assert.Contains(libraries, l => l.StartsWith("HiFiC.Cluster.Contracts/", StringComparison.Ordinal));
        // (Not the bin folder's files: a checkout that built the web host before may still hold stale ones there.)
        Assert.DoesNotContain(libraries, l => Forbidden.Any(f => l.StartsWith(f, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void The_web_image_publishes_the_web_project_without_models()
    {
        var text = Regex.Replace(File.ReadAllText(Repo.Path("deploy", "web.Dockerfile")), @"\\\r?\n", " ");
        var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.Contains(lines, l => l.StartsWith("RUN", StringComparison.Ordinal) && l.Contains("dotnet publish src/HiFiC.Cluster.Web/HiFiC.Cluster.Web.csproj", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("COPY", StringComparison.Ordinal) && l.Contains("models", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("TorchDevice", StringComparison.Ordinal));
    }
}
