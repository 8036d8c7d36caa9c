using HiFiC.Cli.Settings;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Format;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Models;

namespace HiFiC.Cli.Batch;

/// <summary>
/// Maps exceptions to user-facing failures. The codec's "bad input" exceptions carry messages
/// written for users, so they are shown as one line; anything else is a bug and says so.
/// </summary>
public static class ErrorClassifier
{
    public static FileFailure Classify(Exception e) => e switch
    {
        ModelNotFoundException or ModelMismatchException => new(FailureKind.Model, e.Message, e),
        // The network's output was NaN: the model or the machine's kernels, not the input (TorchRuntime.PrepareNative).
        HiFiC.Codec.Networks.NumericFaultException => new(FailureKind.Model, e.Message, e),
        // CodecModel.Load reports a damaged model folder this way.
        InvalidDataException when e.Message.StartsWith("Model ", StringComparison.Ordinal) => new(FailureKind.Model, e.Message, e),
        ImageInputException or HificFormatException or RegionOutsideImageException => new(FailureKind.Input, e.Message, e),
        InvalidDataException => new(FailureKind.Input, e.Message, e),
        // Includes EntropyDecodeException, OutputExistsException and missing files.
        IOException => new(FailureKind.Input, e is EndOfStreamException ? $"file is truncated ({e.Message})" : e.Message, e),
        UnauthorizedAccessException => new(FailureKind.Input, e.Message, e),
        _ => new(FailureKind.Unexpected, $"{e.GetType().Name}: {e.Message}", e),
    };

    public static int ExitCode(IEnumerable<FileFailure> failures)
    {
        var kinds = failures.Select(f => f.Kind).ToHashSet();
        return kinds.Contains(FailureKind.Model) ? ExitCodes.Model
            : kinds.Count > 0 ? ExitCodes.InputsFailed
            : ExitCodes.Ok;
    }
}
