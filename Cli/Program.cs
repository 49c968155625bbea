using System.CommandLine;
using Verified.Cli.Verbs;

namespace Verified.Cli;

/// <summary>
/// The `verified` command. Thin: each verb lives in its own file under Verbs/ and only parses
/// options and calls into the libraries. The entry point takes its streams so tests can drive it.
/// </summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        var root = new RootCommand("Verified: a capability microkernel on an emulated x86-64 CPU, and its Z3 specification.");
        foreach (var verb in Verbs(stdout, stderr))
        {
            root.Subcommands.Add(verb);
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Bad usage is exit code 2 for every verb (System.CommandLine's own default is 1,
            // which the documented codes reserve for "the work found a failure").
            foreach (var error in parse.Errors)
            {
                stderr.WriteLine($"verified: {error.Message}");
            }

            stderr.WriteLine("Run 'verified --help' for usage.");
            return ExitCodes.UsageOrInput;
        }

        var config = new InvocationConfiguration { Output = stdout, Error = stderr };
        return parse.Invoke(config);
    }

    private static IEnumerable<Command> Verbs(TextWriter stdout, TextWriter stderr)
    {
        yield return ProveVerb.Create(stdout, stderr);
        yield return BootVerb.Create(stdout, stderr);
        yield return ExecVerb.Create(stdout, stderr);
        yield return ReplayVerb.Create(stdout, stderr);
    }
}
