using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace HiFiC.TestSupport;

/// <summary>Keeps the log entries the predicate accepts (message and exception text); <see cref="Matched"/> completes with the first.</summary>
public sealed class CapturingLoggerProvider(Func<CapturingLoggerProvider.Entry, bool> predicate) : ILoggerProvider
{
    public sealed record Entry(string Category, LogLevel Level, string Message);

    private readonly Func<Entry, bool> accepts = predicate;
    private readonly TaskCompletionSource<Entry> matched = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<Entry> entries = new();

    public Task<Entry> Matched => matched.Task;

    /// <summary>Every accepted entry so far, oldest first.</summary>
    public IReadOnlyList<Entry> Entries => [.. entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var entry = new Entry(category, logLevel, formatter(state, exception) + (exception is null ? "" : " " + exception));
            if (!owner.accepts(entry)) return;
            owner.entries.Enqueue(entry);
            owner.matched.TrySetResult(entry);
        }
    }
}
