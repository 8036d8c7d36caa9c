namespace HiFiC.Codec.Imaging;

/// <summary>
/// What the input file held, so the decoder can give back the same kind of image: the codec itself
/// always works on 8-bit RGB, so grey is replicated to three channels and 16-bit is reduced to 8.
/// </summary>
/// <param name="Channels">1 for greyscale, 3 for colour.</param>
/// <param name="BitDepth">Bits per sample in the source: 8 or 16 (anything deeper than 8 is reported as 16).</param>
/// <param name="HasAlpha">True only when the source had a non-opaque alpha channel.</param>
public sealed record SourceColor(int Channels, int BitDepth, bool HasAlpha)
{
    public int Channels { get; init; } = Channels is 1 or 3
        ? Channels : throw new ArgumentOutOfRangeException(nameof(Channels), Channels, "must be 1 (grey) or 3 (RGB)");

    public int BitDepth { get; init; } = BitDepth is 8 or 16
        ? BitDepth : throw new ArgumentOutOfRangeException(nameof(BitDepth), BitDepth, "must be 8 or 16");

    public bool IsGrey => Channels == 1;

    public static SourceColor Rgb8 { get; } = new(3, 8, false);
    public static SourceColor Grey8 { get; } = new(1, 8, false);
}
