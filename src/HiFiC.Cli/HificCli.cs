using System.CommandLine;
using System.CommandLine.Help;
using HiFiC.Cli.Batch;
using HiFiC.Cli.Bench;
using HiFiC.Cli.Train;
using HiFiC.Cli.Eval;
using HiFiC.Cli.ModelInfo;
using HiFiC.Cli.Files;
using HiFiC.Cli.Output;
using HiFiC.Codec.Models;
using Spectre.Console;
using TorchSharp;

namespace HiFiC.Cli;

/// <summary>
/// The whole `hific` command, runnable in-process: tests and hosts pass their own writers and
/// cancellation token and get the exit code back. Program.Main only wires the real console and Ctrl+C.
/// </summary>
public static class HificCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken ct = default,
        Func<ModelRegistry>? registry = null)
    {
        bool outIsTerminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        bool errIsTerminal = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
        using var cli = new CliContext(ConsoleFactory.Create(output, outIsTerminal), ConsoleFactory.Create(error, errIsTerminal),
            errIsTerminal, error, registry ?? ModelRegistry.FromEnvironment);

        var threads = new Option<int>("--threads")
        {
            Description = "Intra-op threads for the networks (TorchSharp). 2 suits a 2-core machine; more only helps with more cores.",
            DefaultValueFactory = _ => 2,
            Recursive = true,
        };
        CommonOptions.Positive(threads);
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Debug logging, and stack traces for unexpected errors.", Recursive = true };
        var root = new RootCommand("hific: learned image compression (HiFiC, Mentzer et al. 2020) on the CPU.\n" + ExitCodes.HelpText)
        {
            threads,
            verbose,
            new CompressCommand(cli),
            new DecompressCommand(cli),
            new InfoCommand(cli),
            new EvalCommand(cli),
            new ModelsCommand(cli),
            new BenchCommand(cli),
            new TrainCommand(cli),
            new Archive.ArchiveCommand(cli),
            new Cluster.SiloCommand(cli),
            new Web.WebCommand(),
            new Cluster.JobCommand(cli),
            new Cluster.RestoreCommand(cli),
        };

        var parse = root.Parse(args);
        cli.Verbose = parse.GetValue(verbose);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) cli.Error(e.Message);
            cli.Info($"Run 'hific {string.Join(' ', CommandPath(parse))} --help' for usage.".Replace("  ", " "));
            return ExitCodes.Usage;
        }
        try
        {
            // Help and --version must work even where libtorch cannot load.
            if (parse.Action is not HelpAction && parse.CommandResult.Command is not RootCommand)
            {
                // Forward passes only may use faster kernels on some processors; decided before any model loads.
                if (parse.CommandResult.Command is IForwardOnlyCommand f && f.ForwardOnly(parse))
                    HiFiC.Codec.Networks.TorchRuntime.PrepareNative(inferenceOnly: true);
                HiFiC.Codec.Networks.TorchRuntime.Configure(parse.GetValue(threads));
                // Configure made the first LibTorchSharp call, so the status says whether the quarantine bound.
                if (cli.Verbose) cli.Info($"hific: TorchSharp Scalar quarantine {HiFiC.Codec.Networks.TorchScalarQuarantine.Status}");
                if (cli.Verbose) cli.Info($"hific: malloc {HiFiC.Codec.Networks.MallocTuning.Status}");
            }
            var config = new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
                // Cancellation is ours (Program wires Ctrl+C and SIGTERM): a training checkpoint may
                // take longer to save than any fixed grace period.
                ProcessTerminationTimeout = null,
            };
            return await parse.InvokeAsync(config, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            cli.Warn("cancelled");
            return ExitCodes.Cancelled;
        }
        catch (CliException e)
        {
            cli.Error(e.Message);
            return e.ExitCode;
        }
        catch (Exception e)
        {
            var failure = ErrorClassifier.Classify(e);
            cli.Error(failure.Message);
            if (cli.Verbose) cli.Err.WriteLine(e.ToString());
            return failure.Kind switch
            {
                FailureKind.Model => ExitCodes.Model,
                FailureKind.Input => ExitCodes.InputsFailed,
                _ => Internal(cli),
            };
        }
    }

    private static int Internal(CliContext cli)
    {
        if (!cli.Verbose) cli.Info("This is a bug: run again with --verbose for the stack trace.");
        return ExitCodes.Internal;
    }

    private static IEnumerable<string> CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var c = parse.CommandResult; c is not null && c.Command is not RootCommand; c = c.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, c.Command.Name);
        return names.Count == 0 ? ["[command]"] : names;
    }
}
