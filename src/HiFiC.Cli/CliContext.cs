using HiFiC.Cli.Logging;
using HiFiC.Codec.Models;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace HiFiC.Cli;

/// <summary>
/// What every command writes to and loads from. Results go to Out (stdout, pipeable); progress,
/// per-file errors and logs go to Err (stderr), so `hific eval ... > table.txt` captures only results.
/// </summary>
public sealed class CliContext(IAnsiConsole output, IAnsiConsole error, bool errorIsInteractive, TextWriter errorWriter, Func<ModelRegistry> registry)
    : IDisposable
{
    private ModelRegistry? models;
    private ILoggerFactory? loggers;

    public IAnsiConsole Out { get; } = output;
    public IAnsiConsole Err { get; } = error;
    /// <summary>A live progress bar only makes sense on a terminal; redirected stderr gets one line per file instead.</summary>
    public bool ErrIsInteractive { get; } = errorIsInteractive;
    /// <summary>Set from --verbose once the command line is parsed, before any logger exists.</summary>
    public bool Verbose { get; set; }

    /// <summary>Searched once per run: the registry caches loaded models by digest.</summary>
    public ModelRegistry Models => models ??= registry();

    public ILoggerFactory Loggers => loggers ??= CliLogging.Create(errorWriter, Verbose);

    public ILogger Logger(string category) => Loggers.CreateLogger(category);

    /// <summary>One line on stderr, never interpreted as markup (file names may contain brackets).</summary>
    public void Error(string message) => Err.WriteLine($"hific: error: {message}", new Style(foreground: Color.Red));

    public void Warn(string message) => Err.WriteLine($"hific: warning: {message}", new Style(foreground: Color.Yellow));

    public void Info(string message) => Err.WriteLine(message);

    /// <summary>Flushes the console logger's queue so no log line is lost at exit.</summary>
    public void Dispose() => loggers?.Dispose();
}
