using ScottPlot;

namespace HiFiC.Evaluation;

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
            text.LabelFontSize = FittingSize(lines[i], width, fontSize, bold: i == 0);
            text.LabelBold = i == 0;
            text.LabelFontColor = Colors.Black;
            text.LabelFontName = Fonts.Sans;
            text.LabelAlignment = Alignment.MiddleLeft;
        }
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    /// <summary>
    /// The font size at which a line fits the strip, at most <paramref name="fontSize"/>: long codec
    /// names (a refined model's label) were cut off at the cell's edge. Estimated from DejaVu Sans'
    /// average advance (about 0.60 em, 0.66 em bold) rather than measured, which is close enough for
    /// a label and needs no font metrics API.
    /// </summary>
    internal static float FittingSize(string line, int width, float fontSize, bool bold)
    {
        double em = bold ? 0.66 : 0.60;
        double fits = (width - 8) / (Math.Max(1, line.Length) * em);
        return (float)Math.Max(7, Math.Min(fontSize, fits));
    }
}
