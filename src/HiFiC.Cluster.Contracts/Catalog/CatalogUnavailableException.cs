namespace HiFiC.Cluster.Contracts.Catalog;

/// <summary>The job's destination could not be listed or read, and no earlier index exists to show. The message names no location or credential.</summary>
[GenerateSerializer, Alias("hific.CatalogUnavailableException.v1")]
public sealed class CatalogUnavailableException : Exception
{
    public CatalogUnavailableException() { }
    public CatalogUnavailableException(string message) : base(message) { }
    public CatalogUnavailableException(string message, Exception inner) : base(message, inner) { }
}
