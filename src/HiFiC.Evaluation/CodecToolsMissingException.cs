namespace HiFiC.Evaluation;

/// <summary>A classic codec's encoder or decoder is not installed; the message says what to run.</summary>
public sealed class CodecToolsMissingException(string message) : Exception(message);
