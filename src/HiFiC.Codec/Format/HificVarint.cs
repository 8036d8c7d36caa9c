namespace HiFiC.Codec.Format;

/// <summary>Unsigned LEB128 for the tile index lengths: a typical stream length (a few KB) takes 2
/// bytes instead of 4, which matters at thousands of tiles. Only the shortest encoding is valid,
/// so a file has exactly one byte form.</summary>
internal static class HificVarint
{
    public const int MaxBytes = 5;

    public static int Size(uint value)
    {
        int size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    public static int Write(Span<byte> destination, uint value)
    {
        int i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    /// <summary>Bytes consumed; 0 when <paramref name="source"/> ends inside the number; -1 when it
    /// is not a shortest-form value below 2^32.</summary>
    public static int TryRead(ReadOnlySpan<byte> source, out uint value)
    {
        value = 0;
        for (int i = 0; i < MaxBytes; i++)
        {
            if (i >= source.Length)
                return 0;
            byte b = source[i];
            if (i == MaxBytes - 1 && b > 0x0F)
                return -1;
            value |= (uint)(b & 0x7F) << (7 * i);
            if (b < 0x80)
                return i > 0 && b == 0 ? -1 : i + 1;
        }

        return -1;
    }
}
