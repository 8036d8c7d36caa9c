using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace HiFiC.Cluster.Silo.Persistence;

/// <summary>
/// Grain state as files in a folder, written atomically (temp + rename) with an ETag check.
/// Memory grain storage lives inside a silo and dies with it; this outlives any silo of the
/// process, so the embedded host can resume a job after a restart and the 2-silo tests can kill
/// the silo hosting a coordinator. A real cluster uses Azure Table storage instead.
/// </summary>
public sealed class FolderGrainStorage(string name, FolderGrainStorageOptions options, Serializer serializer) : IGrainStorage
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var file = FileFor(stateName, grainId);
        byte[] bytes;
        try { bytes = await File.ReadAllBytesAsync(file); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }
        long version = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        grainState.State = serializer.Deserialize<T>(bytes.AsMemory(8));
        grainState.ETag = version.ToString();
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var file = FileFor(stateName, grainId);
        await gate.WaitAsync();
        try
        {
            long current = CurrentVersion(file);
            Check(grainState.ETag, current, grainId);
            long next = current + 1;
            var payload = serializer.SerializeToArray(grainState.State);
            var bytes = new byte[8 + payload.Length];
            BinaryPrimitives.WriteInt64LittleEndian(bytes, next);
            payload.CopyTo(bytes, 8);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var temp = file + "." + Guid.NewGuid().ToString("N") + ".tmp";
            await File.WriteAllBytesAsync(temp, bytes);
            File.Move(temp, file, overwrite: true);
            grainState.ETag = next.ToString();
            grainState.RecordExists = true;
        }
        finally { gate.Release(); }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var file = FileFor(stateName, grainId);
        await gate.WaitAsync();
        try
        {
            Check(grainState.ETag, CurrentVersion(file), grainId);
            File.Delete(file);
            grainState.ETag = null;
            grainState.RecordExists = false;
            grainState.State = Activator.CreateInstance<T>();
        }
        finally { gate.Release(); }
    }

    private static long CurrentVersion(string file)
    {
        try
        {
            using var f = File.OpenRead(file);
            Span<byte> head = stackalloc byte[8];
            f.ReadExactly(head);
            return BinaryPrimitives.ReadInt64LittleEndian(head);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return 0; }
    }

    // Two activations of one grain (a split brain during a silo's death) must not both win.
    private static void Check(string? etag, long current, GrainId grainId)
    {
        long expected = etag is null ? 0 : long.Parse(etag);
        if (expected != current)
            throw new InconsistentStateException($"State of {grainId} was written elsewhere (version {current}, expected {expected}).", current.ToString(), etag ?? "");
    }

    private string FileFor(string stateName, GrainId grainId)
    {
        // Keys may hold any character: the readable part is sanitised, the hash keeps names unique.
        var id = grainId.ToString();
        var readable = new string(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').Take(80).ToArray());
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(stateName + "\n" + id)))[..16];
        return Path.Combine(options.Folder, name, $"{stateName}-{readable}-{hash}.state");
    }
}
