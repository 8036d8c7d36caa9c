using HiFiC.Evaluation;

namespace HiFiC.Evaluation.Tests;

/// <summary>A fact that is skipped (with the reason) where an external tool is not installed.</summary>
public sealed class RequiresToolFactAttribute : FactAttribute
{
    public RequiresToolFactAttribute(params string[] tools)
    {
        var missing = tools.Where(t => ExternalTool.Find(t) is null).ToList();
        if (missing.Count > 0) Skip = $"needs {string.Join(", ", missing)} (scripts/install-codecs.sh)";
    }
}
