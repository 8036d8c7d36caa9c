using Spectre.Console;

namespace HiFiC.Cli.Output;

/// <summary>Spectre consoles over plain writers: colours and live widgets only on a real terminal.</summary>
public static class ConsoleFactory
{
    /// <summary>Wide enough that tables of file names do not wrap when output is redirected to a file or log.</summary>
    private const int RedirectedWidth = 160;

    public static IAnsiConsole Create(TextWriter writer, bool isTerminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!isTerminal) console.Profile.Width = RedirectedWidth;
        return console;
    }
}
