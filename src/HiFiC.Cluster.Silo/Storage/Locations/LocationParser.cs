using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using HiFiC.Cluster.Silo.Storage.AzureBlob;

namespace HiFiC.Cluster.Silo.Storage.Locations;

/// <summary>
/// The one parser of locations (job sources, destinations, archives) and of relative paths named
/// in requests. Folder paths are literal: never percent-decoded, anywhere. URIs (file:///path,
/// azblob://container/prefix) are decoded exactly once, here; what storage later parses again is
/// the decoded form, which holds no escape left to decode, so no component ever decodes twice.
/// Whatever could mean something else to another component is refused rather than "fixed":
/// encoded dots, separators or '%', double encoding, backslashes, drive letters, control
/// characters (NUL), invisible formatting characters, and Unicode look-alikes of '.', '/', '\' or
/// ':' (anything NFKC would change beyond canonical composition, e.g. U+FF0E, U+FF0F, U+2024).
/// </summary>
public static partial class LocationParser
{
    public const int MaxLength = 1024;
    public const int MaxNameLength = 255;
    private const string FileScheme = "file://";
    private static readonly string BlobScheme = AzureBlobLocation.Scheme + "://";
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Look-alikes of '.', '/', '\' and ':' that NFKC leaves alone (the ones it folds are refused by the NFKC check).</summary>
    private static readonly HashSet<char> LookAlikes =
    [
        '\u2215', '\u2044', '\u29F8', '\u29F9', '\u2216', '\u29F5', '\u2571', '\u2572', '\u27CB', '\u27CD', '\u1735', '\u0338',
        '\u3002', '\u2236', '\uA789', '\u2024', '\u2025', '\u2026', '\uFE52', '\uFF0E', '\uFF0F', '\uFF3C', '\uFE68', '\uFF1A', '\uFF61',
    ];

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
        foreach (var c in s)
        {
            if (char.IsControl(c)) { error = "must not contain control characters (NUL, line breaks)"; return false; }
            if (c == '\\') { error = "must not contain '\\' (folders are separated by '/')"; return false; }
            if (LookAlikes.Contains(c)) { error = $"must not contain U+{(int)c:X4}, a look-alike of '.', '/', '\\' or ':'"; return false; }
            var cat = CharUnicodeInfo.GetUnicodeCategory(c);
            if (cat is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            { error = $"must not contain invisible formatting characters (U+{(int)c:X4})"; return false; }
        }
        try
        {
            // Canonical composition (é as one or two code points) is the file system's business;
            // compatibility folding (fullwidth '．' to '.') would change what the path means.
            if (s.Normalize(NormalizationForm.FormKC) != s.Normalize(NormalizationForm.FormC))
            { error = "must not contain compatibility characters (fullwidth or look-alike forms; NFKC would change it)"; return false; }
        }
        catch (ArgumentException) { error = "is not valid Unicode"; return false; }
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
