using Spectre.Console;
using Spectre.Console.Rendering;

namespace HiFiC.Cli.Output;

/// <summary>The totals of a batch: one row when the console is wide, one line per total when it is not (an 80-column terminal would wrap every cell).</summary>
public static class SummaryTable
{
    private const int WideEnough = 110;

    public static void Write(IAnsiConsole console, string title, IReadOnlyList<(string Header, string Value)> cells)
    {
        var table = new Table().Border(TableBorder.Rounded);
        if (console.Profile.Width >= WideEnough)
        {
            table.Title(title);
            foreach (var (header, _) in cells) table.AddColumn(new TableColumn(header).RightAligned());
            table.AddRow(cells.Select(c => (IRenderable)new Text(c.Value)).ToArray());
        }
        else
        {
            // A title narrower than itself would wrap over several lines above a narrow table.
            console.WriteLine(title);
            table.AddColumn("Total").AddColumn(new TableColumn("Value").RightAligned());
            foreach (var (header, value) in cells) table.AddRow(new Text(header), new Text(value));
        }
        console.Write(table);
    }
}
