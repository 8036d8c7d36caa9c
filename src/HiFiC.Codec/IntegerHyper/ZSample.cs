namespace HiFiC.Codec.IntegerHyper;

/// <summary>One hyper-latent (z symbols [Channels][Height][Width]) used to calibrate activation ranges.</summary>
public sealed record ZSample(int[] Symbols, int Channels, int Height, int Width);
