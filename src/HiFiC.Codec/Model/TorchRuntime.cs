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
    /// Caps oneDNN on AMD processors with AVX-512, unless the user set <see cref="DnnlIsaVariable"/>.
    /// On an AMD EPYC with AVX-512 (2026-11-26) LibTorch 2.10's oneDNN convolutions returned NaN at
    /// random, with finite weights and inputs: with AVX-512 kernels in forward passes (the 1st to the
    /// 7th lite forward on training crops), with AVX2 kernels in backward passes (training steps,
    /// latent refinement; tests of both failed), never with SSE4.1 (the whole test suite passed,
    /// training ran clean). AVX2 forward passes never faulted there (30 of 30 on training crops,
    /// over 500 whole-photo encodes and decodes). So a process that only runs the networks forward
    /// (<paramref name="inferenceOnly"/>: decompressing, restoring) gets AVX2, any other SSE4.1,
    /// which costs speed there (lite 512²: encode 0.51 against 0.63 MP/s, decode 0.31 against 0.92).
    /// Other processors keep oneDNN's choice: no fault was seen on them, and legacy files (float
    /// hyper-synthesis) decode exactly only with the kernels that wrote them. The codec checks every
    /// network output anyway (<see cref="NumericFault"/>) and the trainer skips non-finite steps.
    /// oneDNN reads the variable when it first dispatches a kernel, so the first call decides, before
    /// any network exists (model constructors call it; the CLI calls it first for decoding commands).
    /// </summary>
    public static void PrepareNative(bool inferenceOnly = false)
    {
        if (Interlocked.Exchange(ref nativeEnvironment, 1) != 0) return;
        if (Environment.GetEnvironmentVariable(DnnlIsaVariable) is not null) return;
        CappedIsa = CapFor(IsAmdWithAvx512(), inferenceOnly);
        if (CappedIsa is not null) TrySetNative(DnnlIsaVariable, CappedIsa);
    }

    /// <summary>The oneDNN cap for a processor (see <see cref="PrepareNative"/>); null: none.</summary>
    public static string? CapFor(bool amdWithAvx512, bool inferenceOnly) =>
        !amdWithAvx512 ? null : inferenceOnly ? "AVX2" : "SSE41";

    private static bool IsAmdWithAvx512()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/cpuinfo")) return false;
        try
        {
            bool amd = false, avx512 = false;
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("vendor_id", StringComparison.Ordinal)) amd = line.Contains("AuthenticAMD", StringComparison.Ordinal);
                else if (line.StartsWith("flags", StringComparison.Ordinal)) { avx512 = line.Contains(" avx512f", StringComparison.Ordinal); break; }
            }
            return amd && avx512;
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
