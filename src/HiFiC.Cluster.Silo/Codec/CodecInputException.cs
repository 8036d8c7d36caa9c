namespace HiFiC.Cluster.Silo.Codec;

/// <summary>
/// The input can never be compressed (not an image, truncated, too large) or a written file did
/// not verify. Retrying cannot help, so workers fail such items at once instead of spending
/// MaxAttempts decodes on them.
/// </summary>
public sealed class CodecInputException(string message, Exception? inner = null) : Exception(message, inner);
