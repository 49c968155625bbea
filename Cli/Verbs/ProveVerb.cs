using System.CommandLine;
using Verified.Cli.Prove;
using Verified.Proofs;
using Verified.Proofs.Reports;
using Verified.Smt;

namespace Verified.Cli.Verbs;

/// <summary>
/// `verified prove`: discharges the obligation catalogue (solver self-checks and the kernel
/// specification's obligations) and the boot-order obligation of each `--manifest`, in parallel,
/// and reports. Exit codes (ExitCodes.cs): 0 all proved, 1 some obligation failed (a
/// counterexample, unknown/time-out or error), 2 bad usage or input, 3 libz3 missing.
/// </summary>
internal static class ProveVerb
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var filter = new Option<string[]>("--filter") { Description = "Only obligations whose name matches this glob (* and ?), e.g. 'cap.*'; repeat for several.", Arity = ArgumentArity.OneOrMore };
        var jobs = new Option<int>("--jobs") { Description = "Worker threads (default: the number of cores); each obligation runs in a fresh Z3 context.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var timeout = new Option<int>("--timeout-ms") { Description = "Z3's time limit per obligation; a time-out is a failure.", DefaultValueFactory = _ => 10_000 };
        var json = new Option<string>("--json") { Description = "Write the results as JSON to this file." };
        var junit = new Option<string>("--junit") { Description = "Write the results as JUnit XML to this file (for CI)." };
        var smt2 = new Option<string>("--smt2-dir") { Description = "Write each query as an SMT-LIB2 script (rerun with the z3 binary) into this directory." };
        var manifest = new Option<string[]>("--manifest") { Description = "Also check the boot order of this manifest (YAML, docs/MANIFEST.md); repeat for several.", Arity = ArgumentArity.OneOrMore };
        AtLeastOne(jobs);
        AtLeastOne(timeout);

        var command = new Command("prove", "Discharge the proof obligations with Z3.") { filter, jobs, timeout, json, junit, smt2, manifest };
        // Ctrl+C cancels the token: running checks are interrupted and reported as unknown.
        command.SetAction((parse, cancellation) =>
        {
            var request = new ProveRequest(
                parse.GetValue(filter) ?? [],
                parse.GetValue(jobs),
                parse.GetValue(timeout),
                parse.GetValue(json),
                parse.GetValue(junit),
                parse.GetValue(smt2),
                parse.GetValue(manifest) ?? []);
            return Task.FromResult(Run(request, stdout, stderr, ProveEnvironment.Default, cancellation));
        });
        return command;
    }

    /// <summary>
    /// Rejects values below 1. Reads the token itself: a token that is not a number already has
    /// the parser's own error, and asking for the value would throw.
    /// </summary>
    private static void AtLeastOne(Option<int> option) =>
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) && value < 1)
            {
                r.AddError($"{option.Name} must be at least 1.");
            }
        });

    internal sealed record ProveRequest(string[] Filters, int Jobs, int TimeoutMs, string? Json, string? JUnit, string? Smt2Dir, string[] Manifests);

    /// <summary>What the verb takes from the world, replaceable in tests (a planted catalogue, no libz3).</summary>
    internal sealed record ProveEnvironment(Func<IReadOnlyList<ProofObligation>> Catalogue, Func<bool> Z3Available)
    {
        public static ProveEnvironment Default { get; } = new(() => ObligationCatalogue.All, () => Z3Library.IsAvailable);
    }

    internal static int Run(ProveRequest request, TextWriter stdout, TextWriter stderr, ProveEnvironment environment, CancellationToken cancellation = default)
    {
        if (!environment.Z3Available())
        {
            stderr.WriteLine($"verified prove: {Z3LibraryNotFoundException.InstallMessage}");
            return ExitCodes.MissingDependency;
        }

        var manifestObligations = ProveInputs.Manifests(request.Manifests, stderr);
        if (manifestObligations is null)
        {
            return ExitCodes.UsageOrInput;
        }

        var all = environment.Catalogue().Concat(manifestObligations).ToList();
        var selected = ProveInputs.Select(all, new ObligationFilter(request.Filters));
        if (selected.Count == 0)
        {
            stderr.WriteLine($"verified prove: no obligation matches --filter {string.Join(" ", request.Filters.Select(f => $"'{f}'"))}; there are {all.Count}, e.g. {string.Join(", ", all.Take(3).Select(o => o.Name))}");
            return ExitCodes.UsageOrInput;
        }

        if (!PrepareOutputs(request, stderr))
        {
            return ExitCodes.UsageOrInput;
        }

        var options = new RunnerOptions { Jobs = request.Jobs, Timeout = TimeSpan.FromMilliseconds(request.TimeoutMs), Smt2Directory = request.Smt2Dir };
        var output = new ProveConsole(stdout, ProveConsole.IsTerminal(stdout));
        output.Header(selected.Count, options);
        ProveReport report;
        try
        {
            report = output.WithProgress(selected.Count, progress => new ObligationRunner(options).Run(selected, progress, cancellation));
        }
        catch (Z3LibraryNotFoundException e)
        {
            stderr.WriteLine($"verified prove: {e.Message}");
            return ExitCodes.MissingDependency;
        }

        output.Table(report);
        output.Details(report);
        output.Summary(report);
        if (!WriteReports(request, report, stderr))
        {
            return ExitCodes.UsageOrInput;
        }

        return report.AllProved ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>Fails early (before minutes of proving) when an output location cannot be used.</summary>
    private static bool PrepareOutputs(ProveRequest request, TextWriter stderr)
    {
        try
        {
            if (request.Smt2Dir is not null)
            {
                Directory.CreateDirectory(request.Smt2Dir);
            }

            foreach (var file in new[] { request.Json, request.JUnit }.OfType<string>())
            {
                var directory = Path.GetDirectoryName(Path.GetFullPath(file));
                if (directory is not null && !Directory.Exists(directory))
                {
                    stderr.WriteLine($"verified prove: cannot write {file}: the directory {directory} does not exist");
                    return false;
                }
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            stderr.WriteLine($"verified prove: cannot use --smt2-dir {request.Smt2Dir}: {e.Message}");
            return false;
        }
    }

    private static bool WriteReports(ProveRequest request, ProveReport report, TextWriter stderr)
    {
        var ok = true;
        foreach (var (file, text) in new[] { (request.Json, (Func<string>)(() => JsonReport.Serialize(report))), (request.JUnit, () => JUnitReport.Serialize(report)) })
        {
            if (file is null)
            {
                continue;
            }

            try
            {
                File.WriteAllText(file, text());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"verified prove: cannot write {file}: {e.Message}");
                ok = false;
            }
        }

        return ok;
    }
}
