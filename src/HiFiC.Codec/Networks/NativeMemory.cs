using System.Runtime.InteropServices;

namespace HiFiC.Codec.Networks;

/// <summary>glibc keeps freed native (libtorch) memory in its arenas; trimming returns it to the OS so RSS stays flat over hours.</summary>
public static partial class NativeMemory
{
    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    public static void Trim()
    {
        if (!OperatingSystem.IsLinux()) return;
        try { MallocTrim(0); } catch (DllNotFoundException) { } catch (EntryPointNotFoundException) { }
    }

    public static double RssMegabytes()
    {
        using var p = System.Diagnostics.Process.GetCurrentProcess();
        return p.WorkingSet64 / (1024.0 * 1024.0);
    }
}
