using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace HiFiC.Cluster.Contracts.Locations;

/// <summary>
/// The one parser of locations (job sources, destinations, archives) and of relative paths named
/// in requests. Folder paths are literal: never percent-decoded, anywhere. URIs (file:///path,
/// azblob://container/prefix) are decoded exactly once, here; what storage later parses again is
/// the decoded form, which holds no escape left to decode, so no component ever decodes twice.
/// Whatever could mean something else to another component is refused rather than "fixed":
/// encoded dots, separators or '%', double encoding, backslashes, drive letters, control
/// characters (NUL), invisible formatting characters, and Unicode look-alikes of '.', '/', '\',
/// ':' or '%' (e.g. U+FF0E, U+FF0F, U+2024, U+2215: see <see cref="LookAlikes"/>).
/// </summary>
public static partial class LocationParser
{
    public const int MaxLength = 1024;
    public const int MaxNameLength = 255;
    private const string FileScheme = "file://";
    private static readonly string BlobScheme = AzureBlobLocation.Scheme + "://";
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Look-alikes of '.', '/', '\', ':' and '%': those NFKC leaves alone (division slash, fraction
    /// slash, ideographic full stop...) and every character whose NFKC form contains one of them
    /// (U+2024 one dot leader, U+2488 "1.", U+FF0E fullwidth full stop, U+FE68...). A table rather
    /// than string.Normalize: the build runs with invariant globalization, where normalisation
    /// leaves non-ASCII text unchanged. The fullwidth and small-form blocks are refused whole.
    /// </summary>
    private static readonly HashSet<int> LookAlikes =
    [
        0x2215, 0x2044, 0x29F8, 0x29F9, 0x2216, 0x29F5, 0x2571, 0x2572, 0x27CB, 0x27CD, 0x1735, 0x0338, 0x3002, 0x2236, 0xA789,
        // NFKC contains '.', '/', '\', ':' or '%' (Unicode 14 data).
        0x2024, 0x2025, 0x2026, 0x2100, 0x2101, 0x2105, 0x2106, 0x2488, 0x2489, 0x248A, 0x248B, 0x248C, 0x248D, 0x248E, 0x248F,
        0x2490, 0x2491, 0x2492, 0x2493, 0x2494, 0x2495, 0x2496, 0x2497, 0x2498, 0x2499, 0x249A, 0x249B, 0x2A74, 0x33C2, 0x33C7,
        0x33D8, 0xFE13, 0xFE19, 0xFE30, 0xFE52, 0xFE55, 0xFE68, 0xFE6A, 0xFF05, 0xFF0E, 0xFF0F, 0xFF1A, 0xFF3C, 0x1F100,
    ];

    private static bool IsLookAlike(int cp) => LookAlikes.Contains(cp) || cp is >= 0xFF00 and <= 0xFFEF or >= 0xFE10 and <= 0xFE6F;

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$")] private static partial Regex ContainerName();
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]*:")] private static partial Regex SchemeOrDrive();

    /// <summary>Parses <paramref name="input"/>; on failure <paramref name="error"/> says why, without the field's name ("must not contain '..' segments").</summary>
    public static bool TryParse(string? input, out StorageLocation location, out string error)
    {
        location = null!;
        if (string.IsNullOrWhiteSpace(input)) { error = "is required"; return false; }
        if (input.Length > MaxLength) { error = $"is longer than {MaxLength} characters"; return false; }
        if (!CheckText(input, out error)) return false;

        if (input.StartsWith(BlobScheme, StringComparison.OrdinalIgnoreCase))
        {
            var rest = input[BlobScheme.Length..];
            int slash = rest.IndexOf('/');
            var container = slash < 0 ? rest : rest[..slash];
            if (!ContainerName().IsMatch(container)) { error = "names no valid container (azblob://container/prefix: 3-63 of a-z 0-9 -)"; return false; }
            if (!DecodeOnce(slash < 0 ? "" : rest[(slash + 1)..], out var prefix, out error)) return false;
            if (!CheckSegments(prefix, allowEmpty: true, out var segments, out error)) return false;
            location = new StorageLocation { Blob = new AzureBlobLocation(container, segments.Count == 0 ? "" : string.Join('/', segments) + "/") };
            return true;
        }
        string folder;
        if (input.StartsWith(FileScheme, StringComparison.OrdinalIgnoreCase))
        {
            var rest = input[FileScheme.Length..];
            if (!rest.StartsWith('/')) { error = "must name a local path (file:///path)"; return false; }
            if (!DecodeOnce(rest, out folder, out error)) return false;
        }
        else
        {
            if (SchemeOrDrive().Match(input) is { Success: true } m)
            {
                error = m.Length == 2 ? "names a drive letter (folders are '/'-separated paths)"
                    : input.AsSpan(m.Length).StartsWith("//") ? "uses an unsupported scheme (folders, file:/// or azblob:// only)"
                    : "must not contain ':'";
                return false;
            }
            if (!CheckLiteralEscapes(input, out error)) return false;
            folder = input;
        }
        if (folder.Contains(':')) { error = "must not contain ':'"; return false; }
        bool absolute = folder.StartsWith('/');
        if (!CheckSegments(absolute ? folder[1..] : folder, allowEmpty: absolute, out var parts, out error)) return false;
        location = new StorageLocation { Folder = (absolute ? "/" : "") + string.Join('/', parts) };
        return true;
    }

    /// <summary>
    /// A relative path named in a request (an image inside an archive or source), taken as it
    /// arrived (the HTTP layer has decoded it once): '/'-separated, no empty, '.' or '..' segments,
    /// nothing left that looks percent-encoded, and the text checks of <see cref="TryParse"/>.
    /// </summary>
    public static bool TryRelativePath(string? input, out string path, out string error)
    {
        path = "";
        if (string.IsNullOrEmpty(input)) { error = "is required"; return false; }
        if (input.Length > MaxLength) { error = $"is longer than {MaxLength} characters"; return false; }
        if (!CheckText(input, out error)) return false;
        if (HasEscape(input)) { error = "must not contain percent-encoded characters (decoded twice, or an encoded '/')"; return false; }
        if (input.Contains(':')) { error = "must not contain ':'"; return false; }
        if (input.StartsWith('/')) { error = "must be a relative path"; return false; }
        if (!CheckSegments(input, allowEmpty: false, out var parts, out error)) return false;
        if (parts.Count == 0) { error = "is required"; return false; }
        path = string.Join('/', parts);
        return true;
    }

    /// <summary>Characters no location may hold, before and after decoding.</summary>
    private static bool CheckText(string s, out string error)
    {
        error = "";
        for (int i = 0; i < s.Length;)
        {
            if (Rune.DecodeFromUtf16(s.AsSpan(i), out var rune, out int used) != System.Buffers.OperationStatus.Done)
            { error = "is not valid Unicode (a lone surrogate)"; return false; }
            i += used;
            int c = rune.Value;
            if (Rune.IsControl(rune)) { error = "must not contain control characters (NUL, line breaks)"; return false; }
            if (c == '\\') { error = "must not contain '\\' (folders are separated by '/')"; return false; }
            if (IsLookAlike(c)) { error = $"must not contain U+{c:X4}, a look-alike of '.', '/', '\\', ':' or '%' (a compatibility form)"; return false; }
            var cat = Rune.GetUnicodeCategory(rune);
            if (cat is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            { error = $"must not contain invisible formatting characters (U+{c:X4})"; return false; }
        }
        return true;
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static bool HasEscape(string s)
    {
        for (int i = 0; i + 2 < s.Length; i++)
            if (s[i] == '%' && IsHex(s[i + 1]) && IsHex(s[i + 2])) return true;
        return false;
    }

    /// <summary>
    /// A literal folder path is never decoded, but a name that another component might decode into
    /// a dot, separator, '%' (double encoding) or a non-ASCII byte (overlong UTF-8) is refused.
    /// Harmless look-alikes of escapes ("50%off", "a%20b") stay literal names.
    /// </summary>
    private static bool CheckLiteralEscapes(string s, out string error)
    {
        error = "";
        for (int i = 0; i + 2 < s.Length; i++)
        {
            if (s[i] != '%' || !IsHex(s[i + 1]) || !IsHex(s[i + 2])) continue;
            int v = Convert.ToInt32(s.Substring(i + 1, 2), 16);
            if (Dangerous(v) || v == '%' || v >= 0x80)
            {
                error = "must not contain percent-encoded dots, separators, '%' or non-ASCII bytes (folder paths are taken literally)";
                return false;
            }
        }
        return true;
    }

    private static bool Dangerous(int b) => b is '.' or '/' or '\\' or ':' or < 0x20 or 0x7F;

    /// <summary>Decodes %XX exactly once (UTF-8, strict: overlong forms are invalid); encoded dots, separators and control bytes, and anything still encoded afterwards, are refused.</summary>
    private static bool DecodeOnce(string s, out string decoded, out string error)
    {
        decoded = ""; error = "";
        var sb = new StringBuilder(s.Length);
        var bytes = new List<byte>();
        for (int i = 0; i <= s.Length; i++)
        {
            if (i < s.Length && s[i] == '%' && i + 2 < s.Length && IsHex(s[i + 1]) && IsHex(s[i + 2]))
            {
                int v = Convert.ToInt32(s.Substring(i + 1, 2), 16);
                if (Dangerous(v)) { error = "must not contain percent-encoded dots, separators, ':' or control characters"; return false; }
                bytes.Add((byte)v);
                i += 2;
                continue;
            }
            // A run of escapes ends: its bytes are one UTF-8 sequence.
            if (bytes.Count > 0)
            {
                try { sb.Append(StrictUtf8.GetString(bytes.ToArray())); }
                catch (DecoderFallbackException) { error = "holds percent-encoded bytes that are not valid UTF-8 (e.g. an overlong '.')"; return false; }
                bytes.Clear();
            }
            if (i < s.Length) sb.Append(s[i]);
        }
        decoded = sb.ToString();
        if (HasEscape(decoded)) { error = "is percent-encoded twice"; return false; }
        return CheckText(decoded, out error);
    }

    /// <summary>Splits on '/': one trailing '/' is allowed; empty, '.' and '..' segments and over-long names are refused.</summary>
    private static bool CheckSegments(string s, bool allowEmpty, out List<string> segments, out string error)
    {
        error = "";
        segments = [];
        if (s.Length == 0)
        {
            if (allowEmpty) return true;
            error = "is required";
            return false;
        }
        var parts = s.Split('/');
        for (int i = 0; i < parts.Length; i++)
        {
            var p = parts[i];
            if (p.Length == 0)
            {
                if (i == parts.Length - 1 && i > 0) break; // one trailing '/'
                error = "must not contain empty segments ('//')";
                return false;
            }
            if (p is "." or "..") { error = "must not contain '.' or '..' segments"; return false; }
            if (p.Length > MaxNameLength) { error = $"has a name longer than {MaxNameLength} characters"; return false; }
            segments.Add(p);
        }
        return true;
    }
}
