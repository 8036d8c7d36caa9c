using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;

namespace HiFiC.Codec.Networks;

/// <summary>
/// Makes TorchSharp's <c>[DllImport("LibTorchSharp")]</c> calls bind to libHiFiCScalarQuarantine.so
/// (build/ScalarQuarantine.c), which defers the native frees of Scalars and forwards every other
/// symbol to the real libLibTorchSharp.so. Why: TorchSharp 0.107 passes <c>scalar.Handle</c> to native
/// ops without keeping the Scalar alive, so a GC on another thread can run its finalizer, which frees
/// the c10::Scalar while the op still reads it ("Expected false to be true ... Scalar.h:140", or a
/// wrong value in silence; upstream dotnet/TorchSharp PRs #1434, #1496). It covers every TorchSharp
/// call in the process, ours or not. Optional: where the library is missing or does not load,
/// TorchSharp binds LibTorchSharp as before and <see cref="Status"/> says why.
/// </summary>
public static unsafe class TorchScalarQuarantine
{
    /// <summary>"0" turns the quarantine off (TorchSharp binds LibTorchSharp directly).</summary>
    public const string Variable = "HIFIC_SCALAR_QUARANTINE";
    public const string LibraryFile = "libHiFiCScalarQuarantine.so";
    private const string TorchSharpLibrary = "LibTorchSharp";

    private static readonly object gate = new();
    private static bool tried;
    private static nint library;
    private static delegate* unmanaged<ulong> disposedCounter;
    private static volatile string status = "off: not installed";

    /// <summary>Whether TorchSharp's imports resolve through the quarantine library (once one was bound).</summary>
    public static bool Active => library != 0;

    /// <summary>One line for logs: on (with the path) or off, and why.</summary>
    public static string Status => status;

    /// <summary>Runs before any code of this assembly, so before our first TorchSharp call binds.</summary>
#pragma warning disable CA2255 // a library's module initializer is the point: it must run before TorchSharp binds
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Install()
    {
        if (!OperatingSystem.IsLinux()) { status = "off: the quarantine library is built for Linux only"; return; }
        if (Environment.GetEnvironmentVariable(Variable) == "0") { status = $"off: {Variable}=0"; return; }
        try
        {
            SetResolver();
            status = "off: no LibTorchSharp import bound yet";
        }
        catch (InvalidOperationException)
        {
            status = "off: TorchSharp's assembly already has a DllImport resolver";
        }
        catch (Exception e) // e.g. a process that ships HiFiC.Codec without TorchSharp: it must still start
        {
            status = $"off: {e.GetType().Name}: {e.Message}";
        }
    }

    // Separate, so that a missing TorchSharp assembly fails here, inside Install's try, not when Install is compiled.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SetResolver() => NativeLibrary.SetDllImportResolver(typeof(torch).Assembly, Resolve);

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != TorchSharpLibrary) return 0;
        lock (gate)
        {
            if (!tried)
            {
                tried = true;
                library = Load();
            }
            return library; // 0: the runtime's default probing, as without a resolver
        }
    }

    private static nint Load()
    {
        var candidates = new[]
        {
            Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", LibraryFile),
            Path.Combine(AppContext.BaseDirectory, LibraryFile),
        };
        var path = candidates.FirstOrDefault(File.Exists);
        if (path is null)
        {
            status = $"off: {LibraryFile} not found next to libLibTorchSharp.so (Directory.Build.targets builds it with gcc)";
            return 0;
        }
        if (!NativeLibrary.TryLoad(path, out var handle))
        {
            status = $"off: {path} did not load";
            return 0;
        }
        if (!NativeLibrary.TryGetExport(handle, "hific_scalar_quarantine_disposed", out var counter)
            || !NativeLibrary.TryGetExport(handle, "THSTorch_dispose_scalar", out _))
        {
            status = $"off: {path} lacks the quarantine's exports";
            return 0;
        }
        disposedCounter = (delegate* unmanaged<ulong>)counter;
        status = $"on: {path}";
        return handle;
    }

    /// <summary>Scalars disposed through the quarantine so far; null where it is not active.</summary>
    public static ulong? Disposed => disposedCounter == null ? null : disposedCounter();

    /// <summary>
    /// Disposes one Scalar and checks that it went through the quarantine: false where it is off, or
    /// where TorchSharp's dispose import was bound before <see cref="Install"/> ran.
    /// </summary>
    public static bool Verify()
    {
        1.0.ToScalar().Dispose(); // binds LibTorchSharp (and so loads the library) if nothing did yet
        var before = Disposed;
        if (before is null) return false;
        1.0.ToScalar().Dispose();
        if (Disposed > before) return true;
        status = $"off: {LibraryFile} is loaded but TorchSharp's THSTorch_dispose_scalar bound elsewhere";
        return false;
    }
}
