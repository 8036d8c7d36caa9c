using Microsoft.Extensions.Options;

namespace HiFiC.Cluster.Contracts.Validation;

/// <summary>
/// Collects the broken settings of one options section, each message naming its configuration key
/// and the value found, so a host refuses to start with "HiFiC:Jobs:MaxInFlight must be at least 1
/// (got 0)" instead of failing later in a way that points nowhere.
/// </summary>
public sealed class OptionRules(string section)
{
    private readonly List<string> failures = [];

    public OptionRules AtLeast(string key, long value, long minimum)
    {
        if (value < minimum) failures.Add($"{section}:{key} must be at least {minimum} (got {value}).");
        return this;
    }

    public OptionRules Between(string key, long value, long minimum, long maximum)
    {
        if (value < minimum || value > maximum) failures.Add($"{section}:{key} must be between {minimum} and {maximum} (got {value}).");
        return this;
    }

    public OptionRules Positive(string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero) failures.Add($"{section}:{key} must be longer than zero (got {value}).");
        return this;
    }

    public OptionRules NotNegative(string key, TimeSpan value)
    {
        if (value < TimeSpan.Zero) failures.Add($"{section}:{key} must not be negative (got {value}).");
        return this;
    }

    public OptionRules NotEmpty(string key, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) failures.Add($"{section}:{key} must not be empty.");
        return this;
    }

    public OptionRules OneOf(string key, string? value, params string[] allowed)
    {
        if (!allowed.Contains(value, StringComparer.OrdinalIgnoreCase))
            failures.Add($"{section}:{key} must be one of {string.Join(", ", allowed)} (got '{value}').");
        return this;
    }

    public OptionRules Require(bool condition, string message)
    {
        if (!condition) failures.Add($"{section}: {message}");
        return this;
    }

    public IReadOnlyList<string> Failures => failures;

    public ValidateOptionsResult Result() => failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

    /// <summary>For options read outside IOptions (the cluster's): throws at configuration time.</summary>
    public void ThrowIfInvalid()
    {
        if (failures.Count > 0) throw new OptionsValidationException(section, typeof(object), failures);
    }
}
