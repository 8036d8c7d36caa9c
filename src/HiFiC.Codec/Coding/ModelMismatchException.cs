namespace HiFiC.Codec.Coding;

/// <summary>A file made by another model (version) than the one asked to decode it.</summary>
public sealed class ModelMismatchException(string message) : Exception(message);
