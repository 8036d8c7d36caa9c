using Microsoft.Extensions.Logging;

namespace HiFiC.Cli.Logging;

/// <summary>
/// Logs to a given writer. The console logger writes to the process's own stderr on a background
/// thread; when the CLI runs in-process with captured writers (tests, embedding) the lines must
/// land in the caller's writer, in order.
/// </summary>
public sealed class TextWriterLoggerProvider(TextWriter writer, LogLevel minimum) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new WriterLogger(writer, minimum, ShortName(categoryName));

    public void Dispose() { }

    private static string ShortName(string category) => category[(category.LastIndexOf('.') + 1)..];

    private sealed class WriterLogger(TextWriter writer, LogLevel minimum, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var line = $"{DateTime.Now:HH:mm:ss} {Level(logLevel)} {category}: {formatter(state, exception)}";
            lock (writer)
            {
                writer.WriteLine(line);
                if (exception is not null) writer.WriteLine(exception);
            }
        }

        private static string Level(LogLevel level) => level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
    }
}
