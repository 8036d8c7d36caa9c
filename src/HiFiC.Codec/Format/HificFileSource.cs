namespace HiFiC.Codec.Format;

/// <summary>Positioned reads from the part of a seekable stream that holds the file (it may start
/// at a non-zero position). A stream shorter than its Length claimed is a truncated file, not an
/// EndOfStreamException.</summary>
internal sealed class HificFileSource(Stream stream)
{
    private readonly long _start = stream.Position;

    public long Length { get; } = Math.Max(0, stream.Length - stream.Position);

    public Stream Stream => stream;

    public void ReadAt(long offset, Span<byte> destination)
    {
        if (offset + destination.Length > Length)
            throw new HificFormatException($"truncated: needed bytes {offset}..{offset + destination.Length} but the file ends at byte {Length}");
        stream.Position = _start + offset;
        try
        {
            stream.ReadExactly(destination);
        }
        catch (EndOfStreamException e)
        {
            throw new HificFormatException($"truncated: the stream ended before byte {offset + destination.Length} although its length is {Length}", e);
        }
    }

    public byte[] ReadAt(long offset, int count)
    {
        // The callers have checked count against the limits; this checks it against the file before allocating.
        if (offset + count > Length)
            throw new HificFormatException($"truncated: needed bytes {offset}..{offset + count} but the file ends at byte {Length}");
        var bytes = new byte[count];
        ReadAt(offset, bytes);
        return bytes;
    }
}
