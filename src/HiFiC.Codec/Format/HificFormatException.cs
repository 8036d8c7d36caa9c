namespace HiFiC.Codec.Format;

/// <summary>The bytes are not a valid .hific file (or not one this build can read). Every
/// problem found in a file's content surfaces as this type, so callers need one catch.
/// Derives from Exception because InvalidDataException is sealed; not from IOException, so retry
/// policies for transient I/O do not retry a corrupt file.</summary>
public class HificFormatException : Exception
{
    public HificFormatException(string message)
        : base(message)
    {
    }

    public HificFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
