namespace HiFiC.Codec.Entropy;

/// <summary>A bitstream that cannot be what <see cref="RansCoder.Encode"/> wrote for these tables.</summary>
/// <remarks>
/// Derives from <see cref="IOException"/>, the base of <see cref="InvalidDataException"/>, because
/// InvalidDataException is sealed; catch IOException to handle both kinds of corrupt input.
/// </remarks>
public sealed class EntropyDecodeException : IOException
{
    public EntropyDecodeException(string message) : base(message)
    {
    }

    public EntropyDecodeException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
