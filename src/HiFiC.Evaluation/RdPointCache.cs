using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace HiFiC.Evaluation;

/// <summary>
/// Measurements kept between benchmark runs. A point is reused only when everything that
/// determines it is unchanged. Classic codecs: the reference pixels (hashed), the encoder and
/// decoder command lines at that setting, and the tools' version strings. Our models: the pixels,
/// the model's weights digest, refinement steps, tile size and the codec library's build
/// (<see cref="LearnedCodec.CacheIdentity"/>), so any change to the encoder's code measures afresh.
/// The classic half of a full run on the eval set is about four minutes of CPU, a refined model's
/// curve about twenty-five, that training needs more.
/// One line per point: key, bytes, PSNR, MS-SSIM, encode and decode seconds, Butteraugli, refined tiles and
/// tiles where the guard kept the plain latent, tab-separated,
/// appended as points are measured, so an interrupted run keeps what it measured.
/// </summary>
public sealed class RdPointCache
{
    public const string FileName = "rd-points-cache.tsv";
    /// <summary>The file's name while it held classic codecs only; its lines are still valid and it is renamed on open.</summary>
    private const string LegacyFileName = "rd-classic-points.tsv";
    private const int Fields = 6;
    private readonly string path;
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    public sealed record Entry(long Bytes, double Psnr, double MsSsim, double EncodeSeconds, double DecodeSeconds, double Butteraugli = double.NaN,
        int RefinedTiles = 0, int TilesKeptPlain = 0);

    public int Hits { get; private set; }
    public string FilePath => path;

    private RdPointCache(string path) => this.path = path;

    /// <summary>The default folder: $HIFIC_CACHE, else $XDG_CACHE_HOME/hific, else ~/.cache/hific.</summary>
    public static string DefaultDirectory()
    {
        var own = Environment.GetEnvironmentVariable("HIFIC_CACHE");
        if (!string.IsNullOrEmpty(own)) return own;
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg)) return Path.Combine(xdg, "hific");
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "hific");
    }

    /// <summary>Opens (or starts) the cache in <paramref name="directory"/>; unreadable lines are ignored, never fatal.</summary>
    public static RdPointCache Open(string directory)
    {
        Directory.CreateDirectory(directory);
        var cache = new RdPointCache(Path.Combine(directory, FileName));
        var legacy = Path.Combine(directory, LegacyFileName);
        if (!File.Exists(cache.path) && File.Exists(legacy)) File.Move(legacy, cache.path);
        if (!File.Exists(cache.path)) return cache;
        foreach (var line in File.ReadLines(cache.path))
        {
            var f = line.Split('\t');
            // Lines written before Butteraugli was measured have one field less (their distance is NaN: measured again),
            // lines written before the guard's choices were kept two less (read as no refined tiles).
            if (f.Length < Fields || f.Length > Fields + 3) continue;
            if (long.TryParse(f[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out long bytes)
                && TryDouble(f[2], out double psnr) && TryDouble(f[3], out double ms)
                && TryDouble(f[4], out double enc) && TryDouble(f[5], out double dec))
                cache.entries[f[0]] = new Entry(bytes, psnr, ms, enc, dec,
                    f.Length > Fields && TryDouble(f[6], out double ba) ? ba : double.NaN,
                    f.Length > Fields + 2 && int.TryParse(f[7], NumberStyles.Integer, CultureInfo.InvariantCulture, out int refined) ? refined : 0,
                    f.Length > Fields + 2 && int.TryParse(f[8], NumberStyles.Integer, CultureInfo.InvariantCulture, out int kept) ? kept : 0);
        }
        return cache;
    }

    private static bool TryDouble(string s, out double v) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v) && double.IsFinite(v);

    /// <summary>SHA-256 of the reference's RGB samples and size: the image as every codec sees it.</summary>
    public static string PixelHash(ReferenceImage reference)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.ASCII.GetBytes($"{reference.Rgb.Width}x{reference.Rgb.Height}:"));
        sha.AppendData(reference.Rgb.Pixels);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    public static string Key(string pixelHash, ClassicCodec codec, double setting, string toolVersion)
    {
        var command = string.Join(' ', codec.EncodeArgs(setting, "IN", "OUT")) + " | " + string.Join(' ', codec.DecodeArgs("IN", "OUT"));
        var text = string.Join('\n', pixelHash, codec.Name, codec.Encoder, codec.Decoder, command, toolVersion,
            setting.ToString("R", CultureInfo.InvariantCulture));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    public static string Key(string pixelHash, LearnedCodec codec, double setting)
    {
        var text = string.Join('\n', pixelHash, "learned", codec.CacheIdentity, setting.ToString("R", CultureInfo.InvariantCulture));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The cache key of a point, or null for codecs whose results cannot be keyed (test doubles).</summary>
    public static string? KeyFor(string pixelHash, IRdCodec codec, double setting, IReadOnlyDictionary<string, string> versions) => codec switch
    {
        ClassicCodec c => Key(pixelHash, c, setting, versions.GetValueOrDefault(c.Name, "?")),
        LearnedCodec l => Key(pixelHash, l, setting),
        _ => null,
    };

    public bool TryGet(string key, out Entry entry)
    {
        lock (gate)
        {
            if (!entries.TryGetValue(key, out entry!)) return false;
            Hits++;
            return true;
        }
    }

    public void Add(string key, Entry entry)
    {
        var line = string.Join('\t', key, entry.Bytes.ToString(CultureInfo.InvariantCulture),
            entry.Psnr.ToString("R", CultureInfo.InvariantCulture), entry.MsSsim.ToString("R", CultureInfo.InvariantCulture),
            entry.EncodeSeconds.ToString("R", CultureInfo.InvariantCulture), entry.DecodeSeconds.ToString("R", CultureInfo.InvariantCulture),
            entry.Butteraugli.ToString("R", CultureInfo.InvariantCulture),
            entry.RefinedTiles.ToString(CultureInfo.InvariantCulture), entry.TilesKeptPlain.ToString(CultureInfo.InvariantCulture));
        lock (gate)
        {
            entries[key] = entry;
            File.AppendAllText(path, line + "\n");
        }
    }
}
