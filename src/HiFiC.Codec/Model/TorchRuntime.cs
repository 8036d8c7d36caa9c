using System.Runtime.InteropServices;
using TorchSharp;

namespace HiFiC.Codec.Model;

/// <summary>
/// Process-wide libtorch settings. Call <see cref="Configure"/> before any other torch call.
/// </summary>
public static partial class TorchRuntime
{
    public const string WaitPolicyVariable = "OMP_WAIT_POLICY";
    /// <summary>The widest instruction set oneDNN (LibTorch's CPU convolutions) may use.</summary>
    public const string DnnlIsaVariable = "DNNL_MAX_CPU_ISA";
    /// <summary>cpu, cuda or cuda:N forces the compute device; unset or "auto" picks CUDA when present.</summary>
    public const string DeviceVariable = "HIFIC_DEVICE";
    private static int configured;
    private static int nativeEnvironment;
    private static readonly Lazy<torch.Device> device = new(ChooseDevice);

    /// <summary>
    /// Where the networks (encoder, generator, hyper-analysis) run: CUDA when a CUDA build of
    /// LibTorch finds a GPU, else the CPU. Entropy coding and the integer hyper-synthesis always
    /// run in managed code on the CPU, so files are the same bits whichever device wrote them.
    /// </summary>
    public static torch.Device Device => device.Value;

    public static bool OnGpu => Device.type == DeviceType.CUDA;

    private static torch.Device ChooseDevice()
    {
        var choice = Environment.GetEnvironmentVariable(DeviceVariable)?.Trim().ToLowerInvariant();
        if (choice is null or "" or "auto") return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        if (choice == "cpu") return torch.CPU;
        if (choice.StartsWith("cuda", StringComparison.Ordinal))
        {
            if (!torch.cuda.is_available())
                throw new InvalidOperationException($"{DeviceVariable}={choice}, but no CUDA device is available to this build of LibTorch.");
            return torch.device(choice);
        }
        throw new InvalidOperationException($"{DeviceVariable}={choice} is not cpu, cuda, cuda:N or auto.");
    }

    /// <summary>
    /// Sets the intra-op thread count and, unless the user chose one, OpenMP's passive wait policy.
    /// libtorch's OpenMP threads spin while waiting for each other by default; when the cores are
    /// shared (other consumers, builds, a background trainer) a spinning thread steals the core its
    /// partner needs, and we measured layers running 5–10x slower (tiny encoder: 690 ms spinning,
    /// 70 ms passive, per 576² tile at load 10 on 2 cores). libgomp reads the variable when it is
    /// loaded, so it must be set in the native environment before torch's first use.
    /// </summary>
    public static void Configure(int threads)
    {
        if (Interlocked.Exchange(ref configured, 1) == 0)
        {
            if (Environment.GetEnvironmentVariable(WaitPolicyVariable) is null) TrySetNative(WaitPolicyVariable, "PASSIVE");
            PrepareNative();
        }
        torch.set_num_threads(Math.Max(1, threads));
    }

    /// <summary>
    /// The instruction set oneDNN was capped at by <see cref="PrepareNative"/>, or null where it was not.
    /// </summary>
    public static string? CappedIsa { get; private set; }

    /// <summary>
    /// Caps oneDNN on x86 processors with AVX2 or wider, unless the user set <see cref="DnnlIsaVariable"/>.
    /// Why (isolated 2026-12-06 with tools/NanRepro, docs/codec.md): with AVX2 and AVX-512, LibTorch 2.10
    /// runs convolutions in channel-blocked layouts (blocks of 8 and 16 channels) and reads the padding of
    /// a partial block without having written it. Whatever an earlier tensor left in that memory enters
    /// the sums; when it is NaN or huge, whole output channels come back NaN, at random, with finite
    /// weights and inputs. Forward passes read it where a convolution's input channels are not a multiple
    /// of the block (lite: the encoder's 24 channels at AVX-512), backward passes where its output
    /// channels are not (lite: the generator's 3-channel RGB conv, at AVX2 and AVX-512). With SSE4.1,
    /// oneDNN uses plain layouts (gemm) and has no padding to read. The bug is LibTorch's, not the
    /// processor's, so every processor that would get those kernels is capped. A process that only runs
    /// the networks forward (<paramref name="inferenceOnly"/>: decompressing, restoring, compressing
    /// without refinement) gets AVX2, safe for the lite preset (past the RGB stem, which reads a plain layout,
    /// all its conv inputs are multiples of 8; not so the tiny and paper presets); any other SSE4.1, which costs speed (lite 512²: encode 0.51
    /// against 0.63 MP/s, decode 0.31 against 0.92). The codec checks every network output anyway
    /// (<see cref="NumericFault"/>) and the trainer skips non-finite steps.
    /// oneDNN reads the variable when it first dispatches a kernel, so the first call decides, before
    /// any network exists (model constructors call it; the CLI calls it first for decoding commands).
    /// </summary>
    public static void PrepareNative(bool inferenceOnly = false)
    {
        if (Interlocked.Exchange(ref nativeEnvironment, 1) != 0) return;
        if (Environment.GetEnvironmentVariable(DnnlIsaVariable) is not null) return;
        CappedIsa = CapFor(HasAvx2(), inferenceOnly);
        if (CappedIsa is not null) TrySetNative(DnnlIsaVariable, CappedIsa);
    }

    /// <summary>The oneDNN cap for a processor (see <see cref="PrepareNative"/>); null: none needed (no blocked kernels).</summary>
    public static string? CapFor(bool avx2OrWider, bool inferenceOnly) =>
        !avx2OrWider ? null : inferenceOnly ? "AVX2" : "SSE41";

    private static bool HasAvx2()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/cpuinfo")) return false;
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("flags", StringComparison.Ordinal))
                    return line.Contains(" avx2", StringComparison.Ordinal);
            return false;
        }
        catch (IOException) { return false; }
    }

    /// <summary>Sets a variable in the native environment (.NET's own setter does not reach getenv on Linux).</summary>
    private static void TrySetNative(string name, string value)
    {
        if (!OperatingSystem.IsLinux()) return;
        try { SetEnv(name, value, 0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
