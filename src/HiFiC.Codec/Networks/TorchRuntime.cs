using System.Runtime.InteropServices;
using TorchSharp;

namespace HiFiC.Codec.Networks;

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
            TorchScalarQuarantine.Verify(); // so that Status says whether TorchSharp's Scalars really go through it
        }
        torch.set_num_threads(Math.Max(1, threads));
    }

    /// <summary>
    /// The instruction set oneDNN was capped at by <see cref="PrepareNative"/>, or null where it was not
    /// (now always: see <see cref="CapFor"/>).
    /// </summary>
    public static string? CappedIsa { get; private set; }

    /// <summary>
    /// The place where the process's oneDNN settings are decided, before any network exists (model
    /// constructors call it; the CLI calls it first for decoding commands). It no longer caps oneDNN:
    /// every process runs at the widest instruction set the processor has, unless the user set
    /// <see cref="DnnlIsaVariable"/> (for example to SSE41, which the numeric-fault message suggests).
    /// History (docs/codec.md, tools/NanRepro): with NCHW tensors LibTorch 2.10 ran convolutions in
    /// channel-blocked layouts and, at AVX2 and AVX-512, read the unwritten padding of partial blocks,
    /// which turned whole channels into NaN at random; processes were capped at SSE4.1 (AVX2 when
    /// forward-only). The networks now run every convolution on channels-last tensors
    /// (<see cref="ChannelsLast"/>), which oneDNN takes as plain NHWC memory with no padding to read;
    /// NanRepro's poisoned runs prove it for every convolution shape of the lite, tiny and paper presets,
    /// forward and backward, at SSE4.1, AVX2, AVX-512 and AVX-512 with bf16.
    /// </summary>
    public static void PrepareNative(bool inferenceOnly = false)
    {
        if (Interlocked.Exchange(ref nativeEnvironment, 1) != 0) return;
        if (Environment.GetEnvironmentVariable(DnnlIsaVariable) is not null) return;
        CappedIsa = CapFor(avx2OrWider: true, inferenceOnly);
        if (CappedIsa is not null) TrySetNative(DnnlIsaVariable, CappedIsa);
    }

    /// <summary>
    /// The oneDNN cap for a processor and kind of process; null: none. Null for every processor since
    /// the networks run channels-last (see <see cref="PrepareNative"/>); kept so that a future kernel
    /// fault can be capped for the passes it affects in one place.
    /// </summary>
    public static string? CapFor(bool avx2OrWider, bool inferenceOnly) => null;

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
