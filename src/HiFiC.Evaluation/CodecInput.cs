namespace HiFiC.Evaluation;

/// <summary>The file form a classic encoder reads: cjpeg in libjpeg-turbo 2.1 reads no PNG.</summary>
public enum CodecInput
{
    Png,
    Ppm,
}
