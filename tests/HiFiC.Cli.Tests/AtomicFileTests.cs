using HiFiC.Cli.Files;

namespace HiFiC.Cli.Tests;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("hific-atomic-").FullName;

    [Fact]
    public void A_failed_write_leaves_neither_the_file_nor_its_temporary()
    {
        var path = Path.Combine(folder, "out.bin");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, false, s =>
        {
            s.Write(new byte[1000]);
            throw new InvalidOperationException("disk on fire");
        }, CancellationToken.None));
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }

    [Fact]
    public void A_write_cancelled_before_the_rename_leaves_nothing()
    {
        using var cts = new CancellationTokenSource();
        var path = Path.Combine(folder, "out.bin");
        Assert.Throws<OperationCanceledException>(() => AtomicFile.Write(path, false, s => { s.WriteByte(1); cts.Cancel(); }, cts.Token));
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }

    [Fact]
    public void An_existing_file_is_kept_unless_overwrite_is_given()
    {
        var path = Path.Combine(folder, "out.bin");
        File.WriteAllText(path, "old");
        Assert.Throws<OutputExistsException>(() => AtomicFile.Write(path, false, s => s.WriteByte(1), CancellationToken.None));
        Assert.Equal("old", File.ReadAllText(path));
        AtomicFile.Write(path, true, s => s.WriteByte(65), CancellationToken.None);
        Assert.Equal("A", File.ReadAllText(path));
    }

    public void Dispose() => Directory.Delete(folder, true);
}
