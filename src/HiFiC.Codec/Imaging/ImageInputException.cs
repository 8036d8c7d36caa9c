namespace HiFiC.Codec.Imaging;

/// <summary>
/// The input is not something we can compress (not an image, empty, truncated, too large).
/// Its message is meant for the user as is; ImageSharp's own exception, if any, is the inner one.
/// </summary>
public class ImageInputException : Exception
{
    public ImageInputException(string message) : base(message) { }
    public ImageInputException(string message, Exception? inner) : base(message, inner) { }
}
