using System.Runtime.InteropServices;
using System.Text;

namespace HiFiC.Codec.Networks;

/// <summary>
/// glibc's malloc serves every block over 32 MB (or over 64 MB on a thread's own arena) with mmap and
/// returns it to the kernel when it is freed. libtorch allocates and frees its activations and gradients
/// at every layer and every refinement step, so each step faults the same hundreds of megabytes in
/// again, one zeroed 4 KB page at a time: refining a 1.3 MP photo with 1024² tiles took 6–7 million
/// page faults and a third of its CPU in the kernel. With mmap off, one arena and no automatic trimming,
/// freed memory is reused instead: the same file, bit for bit, for 3× less CPU (1.5× for plain coding;
/// docs/codec.md, "glibc malloc"). glibc reads its tunables only when a process starts, so the <c>hific</c> host starts
/// itself again with them (<see cref="RestartTuned"/>) before anything else runs. Freed memory then stays
/// with the process until <see cref="NativeMemory.Trim"/> (between images) hands it back.
/// </summary>
public static partial class MallocTuning
{
    public const string Variable = "GLIBC_TUNABLES";
    /// <summary>Set to "default" to keep glibc's own settings (and skip the restart).</summary>
    public const string OptOutVariable = "HIFIC_MALLOC";
    public const string Tunables = "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967295:glibc.malloc.arena_max=1";

    /// <summary>What this process runs with, for logs: tuned, the user's own tunables, or glibc's defaults (and why).</summary>
    public static string Status =>
        !OperatingSystem.IsLinux() ? "not Linux: the platform's allocator"
        // ld.so cuts the variable it parsed at its first ':' (glibc 2.36), so ours reads as a prefix of Tunables.
        : Environment.GetEnvironmentVariable(Variable) is { } v ? (v.Length > 0 && Tunables.StartsWith(v, StringComparison.Ordinal) ? "tuned (" + Tunables + ")" : "the environment's " + Variable + "=" + v)
        : Environment.GetEnvironmentVariable(OptOutVariable) == "default" ? $"glibc defaults ({OptOutVariable}=default)"
        : "glibc defaults (the restart did not happen)";

    /// <summary>
    /// On Linux with glibc, unless <see cref="Variable"/> is set already (by the user, or by this restart)
    /// or <see cref="OptOutVariable"/> is "default": replaces this process by the same command line with the
    /// tunables added (execve keeps the process id, so a supervisor or container sees no new process).
    /// Returns only when nothing was done or the restart failed; either way the process goes on as it is.
    /// Call it first in Main, before any thread or native library has started work.
    /// </summary>
    public static void RestartTuned()
    {
        if (!OperatingSystem.IsLinux()) return;
        if (Environment.GetEnvironmentVariable(Variable) is not null || Environment.GetEnvironmentVariable(OptOutVariable) == "default") return;
        if (!IsGlibc()) return; // musl ignores glibc's tunables: a restart would change nothing
        // Raw bytes, not strings: an argument or variable that is not valid UTF-8 (a hostile file name) must reach
        // the restarted process unchanged, not as U+FFFD.
        byte[] cmdline, environ;
        try { (cmdline, environ) = (File.ReadAllBytes("/proc/self/cmdline"), File.ReadAllBytes("/proc/self/environ")); }
        catch (IOException) { return; }
        catch (UnauthorizedAccessException) { return; }
        var argv = Split(cmdline);
        if (argv.Count == 0) return;
        var env = Split(environ);
        env.Add(Encoding.UTF8.GetBytes($"{Variable}={Tunables}"));
        Exec("/proc/self/exe", argv, env);
    }

    /// <summary>The arguments of a /proc/PID/cmdline (each ends with a NUL), as they were given.</summary>
    public static IReadOnlyList<string> ArgumentsOf(ReadOnlySpan<byte> cmdline) =>
        Split(cmdline).Select(a => Encoding.UTF8.GetString(a)).ToList();

    /// <summary>NUL-terminated byte strings (/proc/self/cmdline, /proc/self/environ), each as it is.</summary>
    private static List<byte[]> Split(ReadOnlySpan<byte> block)
    {
        var result = new List<byte[]>();
        while (block.Length > 0)
        {
            int end = block.IndexOf((byte)0);
            if (end < 0) end = block.Length;
            result.Add(block[..end].ToArray());
            block = end < block.Length ? block[(end + 1)..] : [];
        }
        return result;
    }

    private static bool IsGlibc()
    {
        try { return GnuGetLibcVersion() != 0; }
        catch (EntryPointNotFoundException) { return false; }
        catch (DllNotFoundException) { return false; }
    }

    private static void Exec(string path, IReadOnlyList<byte[]> argv, IReadOnlyList<byte[]> env)
    {
        var strings = new List<nint>();
        nint argvBlock = 0, envBlock = 0;
        try
        {
            argvBlock = Block(argv, strings);
            envBlock = Block(env, strings);
            Console.Out.Flush();
            Console.Error.Flush();
            Execve(path, argvBlock, envBlock); // returns only on failure
        }
        finally
        {
            foreach (var s in strings) Marshal.FreeHGlobal(s);
            if (argvBlock != 0) Marshal.FreeHGlobal(argvBlock);
            if (envBlock != 0) Marshal.FreeHGlobal(envBlock);
        }
    }

    /// <summary>A NULL-terminated array of C strings (the bytes as given, NUL added), as execve takes them.</summary>
    private static nint Block(IReadOnlyList<byte[]> items, List<nint> strings)
    {
        nint block = Marshal.AllocHGlobal(nint.Size * (items.Count + 1));
        for (int i = 0; i < items.Count; i++)
        {
            nint s = Marshal.AllocHGlobal(items[i].Length + 1);
            Marshal.Copy(items[i], 0, s, items[i].Length);
            Marshal.WriteByte(s, items[i].Length, 0);
            strings.Add(s);
            Marshal.WriteIntPtr(block, i * nint.Size, s);
        }
        Marshal.WriteIntPtr(block, items.Count * nint.Size, 0);
        return block;
    }

    [LibraryImport("libc", EntryPoint = "execve", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Execve(string path, nint argv, nint envp);

    [LibraryImport("libc", EntryPoint = "gnu_get_libc_version")]
    private static partial nint GnuGetLibcVersion();
}
