using System.Globalization;
using HiFiC.Codec.Models;
using Microsoft.Extensions.Logging;

namespace HiFiC.Cli;

/// <summary>Which model (and which exact weights) a run used: the first thing to check when results surprise.</summary>
public static class ModelLogging
{
    public static void LogModel(this ILogger logger, CodecModel model, string? rate = null) =>
        logger.LogDebug("Model {Id} ({Preset}, digest {Digest}) from {Folder}{Rate}", model.Id, model.Preset.Name, model.Digest[..16],
            model.Directory ?? "memory", rate is null ? "" : string.Create(CultureInfo.InvariantCulture, $", rate {rate}"));
}
