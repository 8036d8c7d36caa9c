using ScottPlot;

namespace HiFiC.Training.Evaluation;

/// <summary>
/// Text rendered to a PNG strip through ScottPlot (SkiaSharp underneath), since ImageSharp.Drawing
/// is not available: a frameless plot with nothing in it but left-aligned lines of text.
/// </summary>
internal static class LabelStrip
{
    public static byte[] Render(IReadOnlyList<string> lines, int width, int height, float fontSize = 13)
    {
        var plot = new Plot();
        plot.Layout.Frameless();
        plot.HideGrid();
        plot.Axes.SetLimits(0, width, height, 0); // pixel coordinates, y downwards
        float lineHeight = height / (float)Math.Max(1, lines.Count);
        for (int i = 0; i < lines.Count; i++)
        {
            var text = plot.Add.Text(lines[i], 4, lineHeight * (i + 0.5));
            text.LabelFontSize = fontSize;
            text.LabelBold = i == 0;
            text.LabelFontColor = Colors.Black;
            text.LabelFontName = Fonts.Sans;
            text.LabelAlignment = Alignment.MiddleLeft;
        }
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }
}
