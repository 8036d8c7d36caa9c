using HiFiC.Cluster.Silo.Storage;
using HiFiC.Cluster.Tests.Infrastructure;

namespace HiFiC.Cluster.Tests.Storage;

public sealed class LocalFolderBlobStoreTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private string[] MakeTree()
    {
        string[] files = ["a.png", "a/b.png", "a/c/d.png", "a-b.png", "b.png", "z/y/x.png", "z/z.png", ".hidden", "a/.cache/e.png"];
        foreach (var f in files)
        {
            var p = Path.Combine(temp.Path, "root", f);
            Directory.CreateDirectory(Path.GetDirectoryName(p)!);
            File.WriteAllText(p, f);
        }
        return files.Where(f => !f.StartsWith('.') && !f.Contains("/.")).Order(StringComparer.Ordinal).ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(100)]
    public async Task Pages_resume_after_the_cursor_and_together_list_every_visible_file_once_in_ordinal_order(int pageSize)
    {
        var expected = MakeTree();
        var store = new LocalFolderBlobStore(Path.Combine(temp.Path, "root"), writable: false);
        var all = new List<BlobInfo>();
        string? cursor = null;
        int pages = 0;
        do
        {
            var page = await store.ListAsync(cursor, pageSize, default);
            Assert.True(page.Items.Count <= pageSize);
            all.AddRange(page.Items);
            cursor = page.Cursor;
            Assert.True(++pages < 50);
        } while (cursor is not null);
        Assert.Equal(expected, all.Select(b => b.Path));
        Assert.All(all, b => Assert.Equal(b.Path.Length, b.Size));
    }

    [Fact]
    public async Task Writes_are_atomic_and_paths_cannot_escape_the_root()
    {
        var store = new LocalFolderBlobStore(temp.Sub("out"), writable: true);
        await store.WriteAsync("x/y.bin", new byte[] { 1, 2, 3 }, default);
        await store.WriteAsync("x/y.bin", new byte[] { 4 }, default);
        Assert.Equal(new byte[] { 4 }, await store.TryReadAllAsync("x/y.bin", default));
        Assert.Single(Directory.EnumerateFiles(Path.Combine(temp.Path, "out"), "*", SearchOption.AllDirectories));
        Assert.Null(await store.TryReadAllAsync("missing", default));
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync("../evil", new byte[1], default));
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync("/abs", new byte[1], default));
        var readOnly = new LocalFolderBlobStore(Path.Combine(temp.Path, "out"), writable: false);
        await Assert.ThrowsAsync<InvalidOperationException>(() => readOnly.WriteAsync("z", new byte[1], default));
    }
}
