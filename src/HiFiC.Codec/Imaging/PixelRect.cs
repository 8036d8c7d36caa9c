namespace HiFiC.Codec.Imaging;

/// <summary>
/// An axis-aligned rectangle in pixel coordinates; <see cref="Right"/> and <see cref="Bottom"/> are exclusive.
/// X/Y may be negative: tiles with context margins deliberately reach past the image edge.
/// </summary>
public readonly record struct PixelRect(int X, int Y, int Width, int Height)
{
    public int Right => X + Width;
    public int Bottom => Y + Height;
    public bool IsEmpty => Width <= 0 || Height <= 0;
    public long Area => IsEmpty ? 0 : (long)Width * Height;

    public static PixelRect FromSize(int width, int height) => new(0, 0, width, height);

    /// <summary>The overlap of the two rectangles; an empty rectangle (all zero) when they do not overlap.</summary>
    public PixelRect Intersect(PixelRect other)
    {
        int x0 = Math.Max(X, other.X), y0 = Math.Max(Y, other.Y);
        int x1 = Math.Min(Right, other.Right), y1 = Math.Min(Bottom, other.Bottom);
        return x1 <= x0 || y1 <= y0 ? default : new PixelRect(x0, y0, x1 - x0, y1 - y0);
    }

    public bool Contains(int x, int y) => x >= X && x < Right && y >= Y && y < Bottom;

    /// <summary>True when <paramref name="other"/> lies entirely inside this rectangle (bounds check only).</summary>
    public bool Contains(PixelRect other) =>
        other.X >= X && other.Y >= Y && other.Right <= Right && other.Bottom <= Bottom;

    /// <summary>Grows the rectangle by <paramref name="margin"/> on every side (negative shrinks).</summary>
    public PixelRect Inflate(int margin) => new(X - margin, Y - margin, Width + 2 * margin, Height + 2 * margin);

    public PixelRect Offset(int dx, int dy) => new(X + dx, Y + dy, Width, Height);

    public override string ToString() => $"{Width}x{Height}@({X},{Y})";
}
