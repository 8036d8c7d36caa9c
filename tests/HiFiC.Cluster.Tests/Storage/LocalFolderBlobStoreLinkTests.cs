using HiFiC.Cluster.Silo.Storage;
using HiFiC.Cluster.Tests.Infrastructure;

namespace HiFiC.Cluster.Tests.Storage;

/// <summary>Symbolic links in a folder store: listing follows only those that stay inside, survives loops; reads and writes never leave the root.</summary>
public sealed class LocalFolderBlobStoreLinkTests : IDisposable
{
    private readonly TempFolder temp = new();
    private readonly string root, outside;

    public LocalFolderBlobStoreLinkTests()
    {
        root = temp.Sub("root");
        outside = temp.Sub("outside");
        File.WriteAllText(Path.Combine(outside, "secret.png"), "SECRET");
        Directory.CreateDirectory(Path.Combine(outside, "dir"));
        File.WriteAllText(Path.Combine(outside, "dir", "x.png"), "SECRET");
        Directory.CreateDirectory(Path.Combine(root, "a", "b"));
        File.WriteAllText(Path.Combine(root, "a", "b", "c.png"), "c");
        File.WriteAllText(Path.Combine(root, "z.png"), "zz");
        // Out of the root: a folder, a file, the file system's root.
        Directory.CreateSymbolicLink(Path.Combine(root, "out"), Path.Combine(outside, "dir"));
        File.CreateSymbolicLink(Path.Combine(root, "secret.png"), Path.Combine(outside, "secret.png"));
        Directory.CreateSymbolicLink(Path.Combine(root, "r"), "/");
        // Loops: back up to an ancestor, to itself, and two links pointing at each other.
        Directory.CreateSymbolicLink(Path.Combine(root, "a", "b", "up"), Path.Combine(root, "a"));
        File.CreateSymbolicLink(Path.Combine(root, "self"), Path.Combine(root, "self"));
        File.CreateSymbolicLink(Path.Combine(root, "ping"), Path.Combine(root, "pong"));
        File.CreateSymbolicLink(Path.Combine(root, "pong"), Path.Combine(root, "ping"));
        // Inside: a file link and a folder link that stay in the root are followed.
        File.CreateSymbolicLink(Path.Combine(root, "alias.png"), Path.Combine(root, "z.png"));
        Directory.CreateSymbolicLink(Path.Combine(root, "also-b"), Path.Combine(root, "a", "b"));
        // Dangling, out of the root: a write through it would create a file outside.
        File.CreateSymbolicLink(Path.Combine(root, "dangling.png"), Path.Combine(outside, "created.png"));
    }

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(100)]
    public async Task Listing_follows_only_links_inside_the_root_and_survives_loops(int pageSize)
    {
        var store = new LocalFolderBlobStore(root, writable: false);
        var all = new List<BlobInfo>();
        string? cursor = null;
        int pages = 0;
        do
        {
            var page = await store.ListAsync(cursor, pageSize, default);
            all.AddRange(page.Items);
            cursor = page.Cursor;
            Assert.True(++pages < 100);
        } while (cursor is not null);
        Assert.Equal(["a/b/c.png", "alias.png", "also-b/c.png", "z.png"], all.Select(b => b.Path));
        Assert.Equal([1, 2, 1, 2], all.Select(b => b.Size));
    }

    [Fact]
    public async Task A_store_whose_root_is_a_link_lists_its_target_and_nothing_above_it()
    {
        var store = new LocalFolderBlobStore(Path.Combine(root, "also-b"), writable: false);
        var page = await store.ListAsync(null, 100, default);
        Assert.Equal(["c.png"], page.Items.Select(b => b.Path));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => store.TryReadAllAsync("up/anything.png", default));
    }

    [Theory]
    [InlineData("secret.png")]
    [InlineData("out/x.png")]
    [InlineData("r/etc/passwd")]
    [InlineData("a/b/up/b/up/../../../outside/secret.png")]
    public async Task Reads_through_links_out_of_the_root_are_refused(string path)
    {
        var store = new LocalFolderBlobStore(root, writable: false);
        await Assert.ThrowsAnyAsync<Exception>(() => store.TryReadAllAsync(path, default));
        await Assert.ThrowsAnyAsync<Exception>(() => store.OpenReadAsync(path, default));
    }

    [Theory]
    [InlineData("self")]
    [InlineData("ping")]
    public async Task Reads_through_link_loops_fail_instead_of_hanging(string path)
    {
        var store = new LocalFolderBlobStore(root, writable: false);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => store.TryReadAllAsync(path, default));
    }

    [Fact]
    public async Task Reads_through_links_inside_the_root_work()
    {
        var store = new LocalFolderBlobStore(root, writable: false);
        Assert.Equal("zz"u8.ToArray(), await store.TryReadAllAsync("alias.png", default));
        Assert.Equal("c"u8.ToArray(), await store.TryReadAllAsync("also-b/c.png", default));
        Assert.Equal("c"u8.ToArray(), await store.TryReadAllAsync("a/b/up/b/c.png", default));
    }

    [Fact]
    public async Task Writes_through_links_out_of_the_root_are_refused_and_create_nothing_outside()
    {
        var before = Directory.EnumerateFileSystemEntries(outside, "*", SearchOption.AllDirectories).Order().ToList();
        var store = new LocalFolderBlobStore(root, writable: true);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => store.WriteAsync("dangling.png", new byte[] { 1 }, default));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => store.WriteAsync("out/new.png", new byte[] { 1 }, default));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => store.WriteAsync("out/deeper/new.png", new byte[] { 1 }, default));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => store.DeleteAsync("secret.png", default));
        Assert.Equal(before, Directory.EnumerateFileSystemEntries(outside, "*", SearchOption.AllDirectories).Order().ToList());
        Assert.Equal("SECRET", File.ReadAllText(Path.Combine(outside, "secret.png")));
    }
}
