using HiFiC.Cluster.Contracts.Archive;

namespace HiFiC.Cluster.Silo.Entries;

/// <summary>An archived image whose bitstream was read and found to be the one its manifest describes.</summary>
public sealed record ArchiveEntry(ArchiveManifest Manifest, byte[] Bitstream);
