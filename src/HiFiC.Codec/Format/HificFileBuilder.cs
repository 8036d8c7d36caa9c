using HiFiC.Codec.Imaging.Metadata;

namespace HiFiC.Codec.Format;

/// <summary>Collects tiles as they are encoded, in any order and from several threads (one worker
/// per tile), then writes the file once all are in. The index precedes the payloads, so nothing
/// can be written before the last tile arrives; payloads are small, so holding them is cheap.</summary>
public sealed class HificFileBuilder
{
    private readonly HificLimits _limits;
    private readonly HificTilePayload?[] _tiles;
    private readonly Lock _gate = new();
    private byte[]? _alpha;
    private ImageMetadataSet? _metadata;
    private int _filled;

    /// <exception cref="ArgumentException">The header breaks a format rule.</exception>
    public HificFileBuilder(HificHeader header, HificLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(header);
        _limits = limits ?? HificLimits.Default;
        if (HificHeaderRules.Check(header, _limits) is { } problem)
            throw new ArgumentException(problem, nameof(header));
        Header = header;
        _tiles = new HificTilePayload?[header.TileCount];
    }

    public HificHeader Header { get; }

    public bool IsComplete
    {
        get
        {
            lock (_gate)
                return _filled == _tiles.Length && (_alpha is not null) == Header.Color.HasAlpha;
        }
    }

    /// <summary>Sets (or replaces, e.g. after a retried encode) tile <paramref name="index"/>.</summary>
    public void SetTile(int index, HificTilePayload tile)
    {
        ArgumentNullException.ThrowIfNull(tile);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _tiles.Length);
        lock (_gate)
        {
            if (_tiles[index] is null)
                _filled++;
            _tiles[index] = tile;
        }
    }

    public void SetAlpha(byte[] alpha)
    {
        ArgumentNullException.ThrowIfNull(alpha);
        lock (_gate)
            _alpha = alpha;
    }

    /// <summary>The source's EXIF, XMP, IPTC and ICC profile, written as the metadata section.</summary>
    public void SetMetadata(ImageMetadataSet? metadata)
    {
        lock (_gate)
            _metadata = metadata;
    }

    /// <exception cref="InvalidOperationException">A tile (or the alpha plane the header promises) is missing.</exception>
    public void WriteTo(Stream output)
    {
        HificTilePayload[] tiles;
        byte[]? alpha;
        ImageMetadataSet? metadata;
        lock (_gate)
        {
            int missing = Array.IndexOf(_tiles, null);
            if (missing >= 0)
                throw new InvalidOperationException($"tile {missing} has not been set ({_tiles.Length - _filled} of {_tiles.Length} missing)");
            if (Header.Color.HasAlpha && _alpha is null)
                throw new InvalidOperationException("the header says alpha is present but SetAlpha was not called");
            tiles = Array.ConvertAll(_tiles, t => t!);
            alpha = _alpha;
            metadata = _metadata;
        }

        HificWriter.Write(output, Header, tiles, alpha, _limits, metadata);
    }

    public byte[] ToArray()
    {
        using var buffer = new MemoryStream();
        WriteTo(buffer);
        return buffer.ToArray();
    }
}
