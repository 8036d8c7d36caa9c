using System.Runtime.InteropServices;
using TorchSharp;

namespace HiFiC.Codec.Model;

/// <summary>
/// Process-wide libtorch settings. Call <see cref="Configure"/> before any other torch call.
/// </summary>
public static partial class TorchRuntime
{
    public const string WaitPolicyVariable = "OMP_WAIT_POLICY";
    /// <summary>cpu, cuda or cuda:N forces the compute device; unset or "auto" picks CUDA when present.</summary>
    public const string DeviceVariable = "HIFIC_DEVICE";
    private static int configured;
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
        if (Interlocked.Exchange(ref configured, 1) == 0 && OperatingSystem.IsLinux()
            && Environment.GetEnvironmentVariable(WaitPolicyVariable) is null)
        {
            try { SetEnv(WaitPolicyVariable, "PASSIVE", 0); }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
        }
        torch.set_num_threads(Math.Max(1, threads));
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
