using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Cluster.Silo.Codec;

namespace HiFiC.Cluster.Tests.Infrastructure;

/// <summary>The real codec behind test-controlled delays and transient faults.</summary>
public sealed class KnobbedCodec(HificImageCodec inner, CodecKnobs knobs) : IImageCodec
{
    public async Task<CompressOutcome> CompressAsync(Stream image, Stream output, CompressRequest request, CancellationToken ct)
    {
        Interlocked.Increment(ref knobs.Compressions);
        if (knobs.Delay > TimeSpan.Zero) await Task.Delay(knobs.Delay, ct);
        if (image.CanSeek && knobs.FailuresLeftBySize.TryGetValue(image.Length, out var left) && left != 0)
        {
            knobs.FailuresLeftBySize[image.Length] = left - 1;
            throw new IOException("simulated transient fault");
        }
        return await inner.CompressAsync(image, output, request, ct);
    }

    public async Task<RestoreOutcome> RestoreAsync(Stream bitstream, Stream png, ImageRegion? region, HiFiC.Codec.Imaging.Output.ImageOutputOptions? output, CancellationToken ct)
    {
        if (knobs.RestoreDelay > TimeSpan.Zero)
        {
            knobs.RestoreStarted.TrySetResult();
            try { await Task.Delay(knobs.RestoreDelay, ct); }
            catch (OperationCanceledException) { knobs.RestoreCancelled.TrySetResult(); throw; }
        }
        return await inner.RestoreAsync(bitstream, png, region, output, ct);
    }

    public Task<ImageShape> IdentifyAsync(Stream image, int tileSize, CancellationToken ct) => inner.IdentifyAsync(image, tileSize, ct);

    public async Task<byte[]> CompressTileAsync(Stream image, int tile, CompressRequest request, CancellationToken ct)
    {
        if (knobs.Delay > TimeSpan.Zero) await Task.Delay(knobs.Delay, ct);
        return await inner.CompressTileAsync(image, tile, request, ct);
    }

    public Task<CompressOutcome> AssembleAsync(Stream image, IReadOnlyList<byte[]> tiles, Stream output, CompressRequest request, CancellationToken ct) =>
        inner.AssembleAsync(image, tiles, output, request, ct);

    public Task<ModelInfo> ResolveModelAsync(string? model, CancellationToken ct) => inner.ResolveModelAsync(model, ct);
}
