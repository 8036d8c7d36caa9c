using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace HiFiC.Cluster.Silo.Restore;

/// <summary>
/// Decodes archived images on demand. Stateless: every silo may run several activations, and
/// calls go to the local one, so restores spread over the cluster with no coordination. The work
/// is <see cref="RestoreRun"/>'s (shared with the streamed <see cref="RestoreStreamGrain"/>, which
/// callers use for restores that may outlast the response timeout).
/// </summary>
[StatelessWorker]
public sealed class RestoreGrain(IImageCodec codec, IBlobStoreFactory blobs, IOptions<RestoreOptions> options, ILogger<RestoreGrain> logger)
    : Grain, IRestoreGrain
{
    public Task<RestoredImage> RestoreAsync(RestoreRequest request, CancellationToken ct) =>
        RestoreRun.RunAsync(codec, blobs, options.Value, logger, request, ct);
}
