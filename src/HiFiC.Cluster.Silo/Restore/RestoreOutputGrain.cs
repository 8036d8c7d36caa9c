using System.Globalization;
using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Codec.Imaging.Output;
using Orleans.Concurrency;

namespace HiFiC.Cluster.Silo.Restore;

/// <summary>The codec's output rules for hosts without the codec: see <see cref="IRestoreOutputGrain"/>.</summary>
[StatelessWorker]
public sealed class RestoreOutputGrain : Grain, IRestoreOutputGrain
{
    public Task<RestoreOutputChoice> ChooseAsync(string? format, string? quality, string? width, string? height, string? accept) =>
        Task.FromResult(Choose(format, quality, width, height, accept));

    public static RestoreOutputChoice Choose(string? format, string? quality, string? width, string? height, string? accept)
    {
        static RestoreOutputChoice Bad(string field, string message) => new(null, null, null, null, field, message);
        OutputFormat chosen;
        string? name = null;
        if (format is not null)
        {
            if (!OutputFormats.TryParse(format, out chosen)) return Bad("format", "must be png, jpeg or webp");
            name = OutputFormats.Name(chosen);
        }
        else
        {
            chosen = OutputFormats.FromAccept(accept);
            // PNG by Accept (or no Accept) leaves originals kept as they were as their own bytes.
            if (chosen != OutputFormat.Png) name = OutputFormats.Name(chosen);
        }
        if (!TryInt(quality, out var q)) return Bad("quality", "must be a whole number between 1 and 100");
        if (!TryInt(width, out var w)) return Bad("width", $"must be a whole number between 1 and {ImageOutputOptions.MaxSide}");
        if (!TryInt(height, out var h)) return Bad("height", $"must be a whole number between 1 and {ImageOutputOptions.MaxSide}");
        // A quality with a format chosen by Accept as PNG is ignored (the client may not know what it gets); with ?format=png it is an error.
        if (format is null && chosen == OutputFormat.Png) q = null;
        var options = new ImageOutputOptions(chosen, q, w, h);
        if (options.Problems().FirstOrDefault() is { Field: not null } p) return Bad(p.Field, p.Message);
        return new RestoreOutputChoice(name, q, w, h);
    }

    private static bool TryInt(string? text, out int? value)
    {
        value = null;
        if (text is null) return true;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v)) return false;
        value = v;
        return true;
    }
}
