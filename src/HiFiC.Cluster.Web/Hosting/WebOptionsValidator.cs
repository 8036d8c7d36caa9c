using HiFiC.Cluster.Contracts.Validation;
using Microsoft.Extensions.Options;

namespace HiFiC.Cluster.Web.Hosting;

public sealed class WebOptionsValidator : IValidateOptions<WebOptions>
{
    public ValidateOptionsResult Validate(string? name, WebOptions o) => new OptionRules(WebOptions.Section)
        .OneOf(nameof(o.Mode), o.Mode, "Embedded", "Client")
        .AtLeast(nameof(o.MaxRestorePixels), o.MaxRestorePixels, 1)
        .Between(nameof(o.SiloPort), o.SiloPort, 0, 65535)
        .Between(nameof(o.GatewayPort), o.GatewayPort, 0, 65535)
        .NotEmpty(nameof(o.ClusterId), o.ClusterId)
        .NotEmpty(nameof(o.ServiceId), o.ServiceId)
        .NotNegative(nameof(o.ConnectTimeout), o.ConnectTimeout)
        .Positive(nameof(o.SampleInterval), o.SampleInterval)
        .Require(o.Gateways.All(IsHostPort), $"Gateways must be host:port entries (got {string.Join(", ", o.Gateways)}).")
        .Result();

    private static bool IsHostPort(string entry)
    {
        int i = entry.LastIndexOf(':');
        return i > 0 && int.TryParse(entry[(i + 1)..], out var port) && port is > 0 and <= 65535;
    }
}
