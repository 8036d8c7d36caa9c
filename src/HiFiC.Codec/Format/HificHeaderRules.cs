using System.Text;

namespace HiFiC.Codec.Format;

/// <summary>Field rules shared by the writer (ArgumentException) and the reader
/// (HificFormatException): returns the first problem as a message naming the field, or null.</summary>
internal static class HificHeaderRules
{
    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string? Check(HificHeader h, HificLimits limits) =>
        CheckModelId(h.ModelId)
        ?? CheckDigest(h.WeightsDigest)
        ?? CheckSize(h, limits)
        ?? CheckColor(h.Color)
        ?? CheckCodec(h)
        ?? CheckTiles(h, limits);

    public static string? CheckModelId(string? id)
    {
        if (id is null)
            return "model id is missing";
        int bytes;
        try
        {
            bytes = StrictUtf8.GetByteCount(id);
        }
        catch (EncoderFallbackException)
        {
            return "model id is not valid Unicode";
        }

        if (bytes is 0 or > HificLayout.MaxModelIdBytes)
            return $"model id length {bytes} is invalid (must be 1..{HificLayout.MaxModelIdBytes} UTF-8 bytes)";
        // The id ends up in logs and messages; control characters there are an injection risk.
        return id.Any(char.IsControl) ? "model id contains a control character" : null;
    }

    private static string? CheckDigest(byte[]? digest) =>
        digest?.Length == HificLayout.DigestBytes ? null : $"weights digest is {digest?.Length ?? 0} bytes (must be {HificLayout.DigestBytes}, a SHA-256)";

    private static string? CheckSize(HificHeader h, HificLimits limits)
    {
        if (h.Width < 1 || h.Width > limits.MaxWidth)
            return $"width {h.Width} is invalid (must be 1..{limits.MaxWidth})";
        if (h.Height < 1 || h.Height > limits.MaxHeight)
            return $"height {h.Height} is invalid (must be 1..{limits.MaxHeight})";
        long pixels = (long)h.Width * h.Height;
        return pixels > limits.MaxPixels ? $"image {h.Width}x{h.Height} has {pixels} pixels, over the limit of {limits.MaxPixels}" : null;
    }

    private static string? CheckColor(HificColorInfo? c)
    {
        if (c is null)
            return "colour info is missing";
        if (c.SourceChannels is not (1 or 3))
            return $"source channels {c.SourceChannels} is invalid (must be 1 or 3)";
        if (c.SourceBitDepth is not (8 or 16))
            return $"source bit depth {c.SourceBitDepth} is invalid (must be 8 or 16)";
        return Enum.IsDefined(c.ColorSpace) ? null : $"colour space {(byte)c.ColorSpace} is not supported (only 0 = sRGB)";
    }

    private static string? CheckCodec(HificHeader h)
    {
        if (!float.IsFinite(h.Rate))
            return $"rate {h.Rate} is invalid (must be finite)";
        if (h.LatentChannels is < 1 or > ushort.MaxValue)
            return $"latent channels {h.LatentChannels} is invalid (must be 1..{ushort.MaxValue})";
        return h.HyperChannels is < 1 or > ushort.MaxValue ? $"hyper-latent channels {h.HyperChannels} is invalid (must be 1..{ushort.MaxValue})" : null;
    }

    private static string? CheckTiles(HificHeader h, HificLimits limits)
    {
        if (h.TileSize is < HificLayout.MinTileSize or > HificLayout.MaxTileSize || h.TileSize % HificLayout.TileSizeStep != 0)
            return $"tile size {h.TileSize} is invalid (must be a multiple of {HificLayout.TileSizeStep} in {HificLayout.MinTileSize}..{HificLayout.MaxTileSize})";
        return h.TileCount > limits.MaxTiles
            ? $"tile count {h.TileCount} ({h.TilesX}x{h.TilesY} tiles of {h.TileSize} px) is over the limit of {limits.MaxTiles}"
            : null;
    }
}
