namespace HiFiC.TestSupport;

/// <summary>
/// The photo data sets, which live beside the development checkout (../shared/datasets/{eval,train}),
/// not in the repository: a plain clone has only samples/. HIFIC_DATASETS names another folder
/// holding eval/ and train/ (set it to a missing folder to check that the tests needing them skip).
/// </summary>
public static class Datasets
{
    public static string Root
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("HIFIC_DATASETS");
            return string.IsNullOrEmpty(configured)
                ? Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "datasets"))
                : Path.GetFullPath(configured);
        }
    }

    public static string Eval => Path.Combine(Root, "eval");
    public static string Train => Path.Combine(Root, "train");

    public static bool Has(string name) => Directory.Exists(Path.Combine(Root, name));
}

/// <summary>A fact skipped, with the reason, where a data set (eval or train) is not present.</summary>
public sealed class RequiresDatasetFactAttribute : Xunit.FactAttribute
{
    public RequiresDatasetFactAttribute(string name)
    {
        if (!Datasets.Has(name))
            Skip = $"needs the {name} set at {Path.Combine(Datasets.Root, name)} (beside the development checkout, or HIFIC_DATASETS=DIR holding {name}/); a plain clone has only samples/";
    }
}
