using System.Collections.Concurrent;
using HiFiC.Codec.Networks;
using TorchSharp;

namespace HiFiC.Cli.ModelInfo;

/// <summary>
/// Parameters per network part. Counting needs only shapes, so presets are built on the "meta"
/// device (no memory, no initialisation): listing a folder of paper models stays instant
/// instead of allocating 600 MB per model.
/// </summary>
public static class ParameterCounts
{
    private static readonly ConcurrentDictionary<string, IReadOnlyList<(string Part, long Count)>> Cache = new();

    public static IReadOnlyList<(string Part, long Count)> Of(HificModel network) =>
    [
        ("encoder", network.ParameterCount(network.Encoder)),
        ("hyperprior", network.ParameterCount(network.Hyperprior)),
        ("rate gains", network.ParameterCount(network.Gains)),
        ("generator", network.ParameterCount(network.Generator)),
    ];

    public static long Total(IReadOnlyList<(string Part, long Count)> parts) => parts.Sum(p => p.Count);

    public static IReadOnlyList<(string Part, long Count)> OfPreset(HificPreset preset) => Cache.GetOrAdd(preset.Name, _ =>
    {
        var before = torch.get_default_device();
        try
        {
            torch.set_default_device(torch.META);
            using var network = new HificModel(preset);
            return Of(network);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A layer that touches values while being built cannot live on meta: count on the CPU.
            torch.set_default_device(before);
            using var network = new HificModel(preset);
            return Of(network);
        }
        finally
        {
            torch.set_default_device(before);
        }
    });
}
