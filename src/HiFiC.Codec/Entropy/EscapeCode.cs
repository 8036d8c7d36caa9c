using System.Numerics;
using System.Runtime.CompilerServices;

namespace HiFiC.Codec.Entropy;

/// <summary>
/// What follows an escape symbol: a 6-bit header (bit 5: below the range; bits 0-4: bit length
/// of the excess minus one), then the excess's bits below its leading one, at most 16 per rANS
/// step. The excess is the distance past the range's end, >= 1, so Elias-gamma style needs no
/// zero case.
/// </summary>
internal static class EscapeCode
{
    public const int HeaderBits = 6;
    public const uint BelowFlag = 1 << 5;
    public const int LengthMask = 31;
    public const int ChunkBits = 16;

    public static int PayloadBits(int excess) => HeaderBits + BitLength(excess) - 1;

    public static int BitLength(int excess) => 32 - BitOperations.LeadingZeroCount((uint)excess);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static CdfTable TableFor(CdfTable[] tables, ReadOnlySpan<int> tableIndices, int i)
    {
        int t = tableIndices[i];
        if ((uint)t >= (uint)tables.Length)
        {
            ThrowBadIndex(i, t, tables.Length);
        }

        return tables[t];
    }

    /// <summary>The symbol for values[i]; for the escape symbol also where and how far out it lies.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SymbolFor(ReadOnlySpan<int> values, int i, CdfTable table, int tableIndex, out bool below, out int excess)
    {
        long k = (long)values[i] - table.Offset;
        int valueCount = table.EscapeSymbol;
        if ((ulong)k < (ulong)valueCount)
        {
            below = false;
            excess = 0;
            return (int)k;
        }

        below = k < 0;
        long distance = below ? -k : k - valueCount + 1;
        if (distance > EntropyConstants.MaxEscapeMagnitude)
        {
            ThrowTooFar(values[i], i, table, tableIndex, distance);
        }

        excess = (int)distance;
        return valueCount;
    }

    public static int ValueOf(CdfTable table, bool below, int excess) => ValueOf(table.Offset, table.EscapeSymbol, below, excess);

    public static int ValueOf(int offset, int escapeSymbol, bool below, int excess) =>
        below ? offset - excess : offset + escapeSymbol - 1 + excess;

    public static void ThrowBadIndex(int i, int t, int count) =>
        throw new ArgumentOutOfRangeException("tableIndices", t, $"tableIndices[{i}] = {t}, but the set has {count} tables.");

    private static void ThrowTooFar(int value, int i, CdfTable table, int tableIndex, long distance) =>
        throw new ArgumentOutOfRangeException("values", value,
            $"values[{i}] = {value} lies {distance} beyond table {tableIndex}'s range " +
            $"{table.Offset}..{table.Offset + table.EscapeSymbol - 1}; escapes reach at most {EntropyConstants.MaxEscapeMagnitude}.");
}
