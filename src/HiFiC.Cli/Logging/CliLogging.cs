using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace HiFiC.Cli.Logging;

/// <summary>Every log line goes to stderr, so stdout carries only results.</summary>
public static class CliLogging
{
    public static ILoggerFactory Create(TextWriter error, bool verbose)
    {
        var minimum = verbose ? LogLevel.Debug : LogLevel.Information;
        return LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(minimum);
            if (ReferenceEquals(error, Console.Error))
            {
                builder.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
                builder.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            }
            else
            {
                builder.AddProvider(new TextWriterLoggerProvider(error, minimum));
            }
        });
    }
}
