using Microsoft.Extensions.Logging;

namespace HiFiC.Cluster.Tests.Hosting;

/// <summary>Completes <see cref="Matched"/> with the first log entry the predicate accepts (message and exception text).</summary>
public sealed class CapturingLoggerProvider(Func<CapturingLoggerProvider.Entry, bool> predicate) : ILoggerProvider
{
    public sealed record Entry(string Category, LogLevel Level, string Message);

    private readonly Func<Entry, bool> accepts = predicate;
    private readonly TaskCompletionSource<Entry> matched = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<Entry> Matched => matched.Task;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var entry = new Entry(category, logLevel, formatter(state, exception) + (exception is null ? "" : " " + exception));
            if (owner.accepts(entry)) owner.matched.TrySetResult(entry);
        }
    }
}
