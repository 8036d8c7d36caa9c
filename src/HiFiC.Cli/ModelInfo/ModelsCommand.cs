using System.CommandLine;
using System.Globalization;
using HiFiC.Cli.ModelInfo;
using HiFiC.Cli.Output;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace HiFiC.Cli.ModelInfo;

/// <summary>`hific models list|info`: what is installed and what each model is.</summary>
public sealed class ModelsCommand : Command
{
    public ModelsCommand(CliContext cli) : base("models", "List installed models or show one model's card.")
    {
        var list = new Command("list", "Models found in the search path (HIFIC_MODELS, models/ beside the program, models/ in the current folder and parents).");
        list.SetAction(_ => List(cli));
        var name = new Argument<string>("model") { Description = "Model id, digest prefix (8+ hex digits) or model folder." };
        var info = new Command("info", "A model's card, files, rate points and parameter counts per network part.") { name };
        info.SetAction(r => Info(cli, cli.Models.Load(r.GetValue(name))));
        Add(list);
        Add(info);
    }

    private static int List(CliContext cli)
    {
        var entries = cli.Models.List();
        if (entries.Count == 0)
        {
            cli.Warn($"no models found; searched: {string.Join(", ", cli.Models.Roots)}. Set {ModelRegistry.EnvironmentVariable} to a folder of model folders.");
            return ExitCodes.Ok;
        }
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var h in new[] { "Id", "Preset", "Digest", "Rates (bpp)", "Params", "Folder" }) table.AddColumn(h);
        foreach (var e in entries)
            table.AddRow(Cells(e.Retired ? e.Card.Id + " (retired: decodes its old files)" : e.Card.Id, e.Card.Preset, e.Card.Digest[..12], Rates(e.Card), Params(e.Card.Preset), e.Directory));
        cli.Out.Write(table);
        return ExitCodes.Ok;
    }

    private static int Info(CliContext cli, CodecModel model)
    {
        var card = model.Card;
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string key, string value) => grid.AddRow(new Text(key), new Text(value));
        Row("Id", card.Id);
        Row("Description", card.Description);
        Row("Preset", $"{card.Preset} (latent {model.Preset.LatentChannels} ch, hyper-latent {model.Preset.HyperLatentChannels} ch, {model.Preset.ResidualBlocks} residual blocks, {model.Preset.RateLevels} rate levels)");
        Row("Digest", card.Digest);
        Row("Entropy model", model.Tables.Hyper is not null
            ? "integer hyper-synthesis (machine-independent indices and means)"
            : "float64 hyper-synthesis (legacy tables, version 1)");
        Row("Created", card.CreatedUtc.ToString("u", CultureInfo.InvariantCulture));
        Row("Folder", model.Directory ?? "(in memory)");
        if (model.Directory is not null)
            foreach (var file in new[] { CodecModel.CardFile, CodecModel.WeightsFile, CodecModel.TablesFile })
            {
                var path = Path.Combine(model.Directory, file);
                Row("  " + file, File.Exists(path) ? Units.Bytes(new FileInfo(path).Length) : "missing");
            }
        if (card.Training is { } t)
        {
            Row("Training", $"{Units.Count(t.Steps)} steps, {Units.F(t.Hours, 2)} h, phase {t.Phase}, data {t.Data}");
            Row("Recipe", t.Recipe);
        }
        cli.Out.Write(grid);

        var rates = new Table().Title("Rate points").Border(TableBorder.Rounded);
        foreach (var h in new[] { "Name", "t", "Target bpp", "Eval bpp", "Eval PSNR dB", "Eval MS-SSIM" }) rates.AddColumn(h);
        foreach (var p in card.Rates)
            rates.AddRow(Cells(p.Name, Units.F(p.Rate, 3), Units.F(p.TargetBpp, 3), Opt(p.EvalBpp, 4), Opt(p.EvalPsnr, 2), Opt(p.EvalMsSsim, 4)));
        cli.Out.Write(rates);

        var parts = ParameterCounts.Of(model.Network);
        var parameters = new Table().Title("Parameters").Border(TableBorder.Rounded);
        parameters.AddColumn("Part");
        parameters.AddColumn(new TableColumn("Parameters").RightAligned());
        foreach (var (part, count) in parts) parameters.AddRow(Cells(part, Units.Count(count)));
        parameters.AddRow(Cells("total (codec)", Units.Count(ParameterCounts.Total(parts))));
        cli.Out.Write(parameters);
        cli.Out.WriteLine("The discriminator is used only in training and is not shipped.");
        return ExitCodes.Ok;
    }

    private static string Rates(ModelCard card) =>
        string.Join(", ", card.Rates.Select(r => $"{r.Name} {Units.F(r.EvalBpp ?? r.TargetBpp, 3)}{(r.EvalBpp is null ? " (target)" : "")}"));

    private static string Params(string preset)
    {
        try { return Units.Millions(ParameterCounts.Total(ParameterCounts.OfPreset(HificPreset.ByName(preset)))); }
        catch (ArgumentException) { return "unknown preset"; }
    }

    private static string Opt(double? value, int decimals) => value is { } v ? Units.F(v, decimals) : "-";

    private static IRenderable[] Cells(params string[] values) => values.Select(v => (IRenderable)new Text(v)).ToArray();
}
