using System.Runtime.InteropServices;

namespace HiFiC.Codec.Entropy;

/// <summary>
/// A table set laid out for the interleaved decoder's hot loop as ONE int array: first a record
/// of four ints per table (where its CDF starts, its offset, its escape symbol, where its buckets
/// start), then every CDF, then every table's buckets as 16-bit symbols (two per int); and a
/// 32-byte <see cref="TableRecord"/> per table with absolute pointers into it, which the loop
/// uses. Flat data instead of an object per table: fewer dependent loads and fewer live
/// registers per symbol. 64 tables take 128 KB of buckets, as the per-table arrays did.
/// </summary>
/// <remarks>
/// Data is pinned (the pinned object heap never moves it), so <see cref="Records"/> can hold
/// absolute pointers into it: the hot loop then reaches a table's buckets and CDF with one load
/// each instead of loading an int offset, sign-extending and adding it.
/// </remarks>
internal sealed unsafe class RansDecodeTables
{
    public const int InfoInts = 4;
    public const int CdfBase = 0;
    public const int Offset = 1;
    public const int EscapeSymbol = 2;

    /// <summary>In 16-bit units from the start of the data.</summary>
    public const int BucketBase = 3;

    /// <summary>
    /// Slots per bucket: 2^BucketShift. 4, 5 and 7 (8, 4 and 1 KB per table) were measured against 6
    /// (docs/results/rans): no faster; bigger tables cost in cache what they save in the scan, and
    /// smaller ones cost more scanning than they save in cache.
    /// </summary>
    public const int BucketShift = CdfTable.BucketShift;

    private const int BucketsPerTable = EntropyConstants.CdfTotal >> BucketShift;

    public RansDecodeTables(CdfTable[] tables)
    {
        Count = tables.Length;
        int cdfInts = tables.Sum(t => t.CdfArray.Length);
        int bucketStart = InfoInts * tables.Length + cdfInts;
        Data = GC.AllocateArray<int>(bucketStart + tables.Length * BucketsPerTable / 2, pinned: true);
        _records = GC.AllocateArray<TableRecord>(tables.Length, pinned: true);
        var buckets = System.Runtime.InteropServices.MemoryMarshal.Cast<int, ushort>(Data.AsSpan(bucketStart));
        int at = InfoInts * tables.Length;
        for (int t = 0; t < tables.Length; t++)
        {
            var table = tables[t];
            var info = Data.AsSpan(InfoInts * t, InfoInts);
            info[CdfBase] = at;
            info[Offset] = table.Offset;
            info[EscapeSymbol] = table.EscapeSymbol;
            info[BucketBase] = 2 * bucketStart + t * BucketsPerTable;
            table.CdfArray.CopyTo(Data, at);
            at += table.CdfArray.Length;
            table.Buckets.CopyTo(buckets[(t * BucketsPerTable)..]);
        }

        int* data = (int*)Marshal.UnsafeAddrOfPinnedArrayElement(Data, 0);
        for (int t = 0; t < tables.Length; t++)
        {
            int* info = data + InfoInts * t;
            _records[t] = new TableRecord
            {
                Buckets = (ushort*)data + info[BucketBase],
                Cdf = data + info[CdfBase],
                Offset = info[Offset],
                EscapeSymbol = info[EscapeSymbol],
                EscapeSlot = (uint)data[info[CdfBase] + info[EscapeSymbol]],
            };
        }

        Records = (TableRecord*)Marshal.UnsafeAddrOfPinnedArrayElement(_records, 0);
    }

    /// <summary>One table for the hot loop: 32 bytes, so a record's address is one shift and add.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 32)]
    internal struct TableRecord
    {
        public ushort* Buckets;
        public int* Cdf;
        public nint EscapeSymbol;
        public int Offset;

        /// <summary>The escape symbol's first slot: slots from here on decode as the escape.</summary>
        public uint EscapeSlot;
    }

    /// <summary>Kept referenced so the records (and the pointers into Data) live as long as this object.</summary>
    private readonly TableRecord[] _records;

    /// <summary>Count records, pinned; valid while this object is reachable (callers keep it so).</summary>
    public TableRecord* Records { get; }

    public int Count { get; }

    public int[] Data { get; }
}
