using System.Buffers.Binary;
using System.IO.Hashing;

namespace HiFiC.Codec.Format;

/// <summary>Builds the checksummed front of a file: header fields, section directory, tile index
/// and the CRC-32 over all of them. Callers have validated everything already.</summary>
internal static class HificHeaderEncoder
{
    public static byte[] Encode(HificHeader h, IReadOnlyList<HificTilePayload> tiles, IReadOnlyList<HificSectionDraft> sections)
    {
        byte[] id = HificHeaderRules.StrictUtf8.GetBytes(h.ModelId);
        int indexBytes = 0;
        foreach (var t in tiles)
            indexBytes += HificVarint.Size((uint)t.Z.Length) + HificVarint.Size((uint)t.Y.Length) + 4;
        var buf = new byte[HificLayout.LeadBytes + id.Length + HificLayout.FixedFieldBytes
                           + (sections.Count * HificLayout.SectionEntryBytes) + indexBytes + HificLayout.ChecksumBytes];

        var w = new SpanWriter(buf);
        w.Bytes(HificLayout.Magic);
        w.U16(HificHeader.FormatVersion);
        w.U8((byte)id.Length);
        w.Bytes(id);
        w.Bytes(h.WeightsDigest);
        w.U32((uint)h.Width);
        w.U32((uint)h.Height);
        w.U8((byte)h.Color.SourceChannels);
        w.U8((byte)h.Color.SourceBitDepth);
        w.U8(h.Color.HasAlpha ? HificLayout.AlphaFlag : (byte)0);
        w.U8((byte)h.Color.ColorSpace);
        BinaryPrimitives.WriteSingleLittleEndian(w.Take(4), h.Rate);
        w.U16((ushort)h.LatentChannels);
        w.U16((ushort)h.HyperChannels);
        w.U16((ushort)h.TileSize);
        w.U8((byte)sections.Count);
        foreach (var s in sections)
        {
            w.U16((ushort)(s.Type | (s.Required ? HificSectionTypes.RequiredFlag : 0)));
            w.U32((uint)s.Body.Length);
            w.U32(Crc32.HashToUInt32(s.Body));
        }

        foreach (var t in tiles)
        {
            w.Varint((uint)t.Z.Length);
            w.Varint((uint)t.Y.Length);
            w.U32(TileCrc(t.Z, t.Y));
        }

        w.U32(Crc32.HashToUInt32(buf.AsSpan(0, w.Position)));
        return buf;
    }

    public static uint TileCrc(ReadOnlySpan<byte> z, ReadOnlySpan<byte> y)
    {
        var crc = new Crc32();
        crc.Append(z);
        crc.Append(y);
        return crc.GetCurrentHashAsUInt32();
    }

    private ref struct SpanWriter(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;

        public int Position { get; private set; }

        public Span<byte> Take(int count)
        {
            var s = _buffer.Slice(Position, count);
            Position += count;
            return s;
        }

        public void Bytes(ReadOnlySpan<byte> b) => b.CopyTo(Take(b.Length));

        public void U8(byte v) => Take(1)[0] = v;

        public void U16(ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(Take(2), v);

        public void U32(uint v) => BinaryPrimitives.WriteUInt32LittleEndian(Take(4), v);

        public void Varint(uint v) => Position += HificVarint.Write(_buffer[Position..], v);
    }
}
