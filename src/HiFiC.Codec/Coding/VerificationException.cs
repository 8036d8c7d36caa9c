namespace HiFiC.Codec.Coding;

/// <summary>A written file did not decode to the encoder's latents.</summary>
public sealed class VerificationException(string message) : Exception(message);
