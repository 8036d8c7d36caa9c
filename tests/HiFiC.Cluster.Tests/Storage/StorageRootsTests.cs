using HiFiC.Cluster.Silo.Storage;
using HiFiC.Cluster.Silo.Storage.Locations;
using HiFiC.Cluster.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace HiFiC.Cluster.Tests.Storage;

/// <summary>The canonical location check against real folders and real symbolic links.</summary>
public sealed class StorageRootsTests : IDisposable
{
    private readonly TempFolder temp = new();
    private readonly string root, outside;

    public StorageRootsTests()
    {
        root = temp.Sub("root");
        outside = temp.Sub("outside");
        Directory.CreateDirectory(Path.Combine(root, "photos", "set"));
        Directory.CreateDirectory(Path.Combine(root, "100%"));
        Directory.CreateDirectory(Path.Combine(root, "a%20b"));
        Directory.CreateSymbolicLink(Path.Combine(root, "photos", "r"), "/");
        Directory.CreateSymbolicLink(Path.Combine(root, "out"), outside);
        Directory.CreateSymbolicLink(Path.Combine(root, "inner"), Path.Combine(root, "photos"));
        File.CreateSymbolicLink(Path.Combine(root, "loop-a"), Path.Combine(root, "loop-b"));
        File.CreateSymbolicLink(Path.Combine(root, "loop-b"), Path.Combine(root, "loop-a"));
    }

    public void Dispose() => temp.Dispose();

    private StorageRoots Roots() => new([root, "azblob://archive/jobs"], "/");

    [Theory]
    [InlineData("photos", "photos")]
    [InlineData("photos/set", "photos/set")]
    [InlineData("new-archive", "new-archive")]
    [InlineData("100%", "100%")]
    [InlineData("a%20b", "a%20b")]
    [InlineData("inner", "inner")]
    public void Folders_inside_the_root_resolve_to_absolute_canonical_paths(string input, string relative)
    {
        var loc = Roots().Resolve(input, "source");
        Assert.Equal(Path.Combine(root, relative), loc.Folder);
        Assert.Equal(loc.ToString(), Roots().Resolve(loc.ToString(), "source").ToString());
    }

    [Fact]
    public void A_file_uri_is_decoded_once_and_percent_folders_still_work()
    {
        Assert.Equal(Path.Combine(root, "100%"), Roots().Resolve("file://" + root + "/100%25", "source").Folder);
        Assert.Equal(Path.Combine(root, "a b"), Roots().Resolve("file://" + root + "/a%20b", "source").Folder);
        // Decoded once it would still be encoded: refused, never decoded a second time.
        Assert.Contains("twice", Assert.Throws<LocationRefusedException>(() => Roots().Resolve("file://" + root + "/a%2520b", "source")).Message);
        // A literal path is never decoded.
        Assert.Equal(Path.Combine(root, "a%20b"), Roots().Resolve(Path.Combine(root, "a%20b"), "source").Folder);
    }

    [Theory]
    [InlineData("/etc", "outside")]
    [InlineData("photos/r/etc", "symbolic link")]
    [InlineData("photos/r", "symbolic link")]
    [InlineData("out", "symbolic link")]
    [InlineData("out/new", "symbolic link")]
    [InlineData("loop-a", "loop")]
    [InlineData("loop-a/x", "loop")]
    [InlineData("azblob://archive/other", "outside")]
    [InlineData("azblob://elsewhere/jobs", "outside")]
    [InlineData("%2e%2e/%2e%2e/etc", "percent-encoded")]
    public void Locations_outside_the_roots_or_through_links_out_are_refused_naming_the_field(string input, string reason)
    {
        var e = Assert.Throws<LocationRefusedException>(() => Roots().Resolve(input, "destination"));
        Assert.Equal("destination", e.Field);
        Assert.StartsWith("destination ", e.Message);
        Assert.Contains(reason, e.Message);
        Assert.DoesNotContain(outside, e.Message);
    }

    [Fact]
    public void Azure_prefixes_inside_a_blob_root_pass()
    {
        Assert.Equal("azblob://archive/jobs/a", Roots().Resolve("azblob://archive/jobs/a", "source").ToString());
        Assert.Equal("azblob://archive/jobs", Roots().Resolve("azblob://archive/jobs/", "source").ToString());
    }

    [Fact]
    public void Without_roots_only_the_canonical_form_is_checked()
    {
        Assert.Equal("/etc", StorageRoots.Unconfined.Resolve("/etc", "source").Folder);
        Assert.Throws<LocationRefusedException>(() => StorageRoots.Unconfined.Resolve("/data/%2e%2e/etc", "source"));
    }

    [Fact]
    public void The_factory_checks_every_location_it_opens_and_job_locations_through_links()
    {
        var factory = new BlobStoreFactory(Options.Create(new Silo.Azure.AzureStorageOptions()), Options.Create(new StorageRootsOptions { Roots = [root] }));
        Assert.Throws<LocationRefusedException>(() => factory.OpenSource("/etc"));
        Assert.Throws<LocationRefusedException>(() => factory.OpenSource(Path.Combine(root, "photos", "r", "etc")));
        Assert.Throws<LocationRefusedException>(() => factory.OpenStore(Path.Combine(root, "out")));
        Assert.NotNull(factory.OpenSource(Path.Combine(root, "photos")));
        var e = Assert.Throws<LocationRefusedException>(() => factory.CheckJobLocations("/etc", Path.Combine(root, "archive")));
        Assert.Equal("source", e.Field);
        e = Assert.Throws<LocationRefusedException>(() => factory.CheckJobLocations(Path.Combine(root, "photos"), Path.Combine(root, "out")));
        Assert.Equal("destination", e.Field);
        // A destination that is a link into the source is inside the source.
        Directory.CreateSymbolicLink(Path.Combine(root, "sneaky"), Path.Combine(root, "photos", "set"));
        var inside = Assert.Throws<ArgumentException>(() => factory.CheckJobLocations(Path.Combine(root, "photos"), Path.Combine(root, "sneaky")));
        Assert.Contains("inside the source", inside.Message);
        factory.CheckJobLocations(Path.Combine(root, "photos"), Path.Combine(root, "archive"));
    }
}
