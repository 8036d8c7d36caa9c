namespace HiFiC.Codec.Format;

/// <summary>A section about to be written: its type (without the required flag) and stored body.</summary>
internal sealed record HificSectionDraft(ushort Type, bool Required, byte[] Body);
