using System.Diagnostics;

namespace HiFiC.TestSupport;

/// <summary>
/// Waits for a condition by polling (a state the test cannot subscribe to: a folder filling, an HTTP
/// answer, a process's log). It fails with a timeout that says what it waited for; it never passes on
/// the clock (to prove that something did not happen, wait for a signal that it would have by now).
/// </summary>
public static class Poll
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Probes until <paramref name="done"/> holds and returns that value; throws <see cref="TimeoutException"/> with the last value after <paramref name="timeout"/>.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what, TimeSpan? interval = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value)) return value;
            if (clock.Elapsed > timeout) throw new TimeoutException($"{what}: not within {timeout} (last: {value})");
            await Task.Delay(interval ?? DefaultInterval);
        }
    }

    public static Task<T> UntilAsync<T>(Func<T> probe, Func<T, bool> done, TimeSpan timeout, string what, TimeSpan? interval = null) =>
        UntilAsync(() => Task.FromResult(probe()), done, timeout, what, interval);

    /// <summary>Waits until at least <paramref name="count"/> files match <paramref name="pattern"/> under <paramref name="folder"/> (recursively; a missing folder counts 0).</summary>
    public static Task<int> ForFilesAsync(string folder, string pattern, int count, TimeSpan timeout) =>
        UntilAsync(() => Directory.Exists(folder) ? Directory.EnumerateFiles(folder, pattern, SearchOption.AllDirectories).Count() : 0,
            n => n >= count, timeout, $"{count} files {pattern} in {folder}", TimeSpan.FromMilliseconds(50));
}
