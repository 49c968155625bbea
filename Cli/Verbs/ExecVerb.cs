using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Verified.Machine.Elf;
using Verified.Machine.Linux;

namespace Verified.Cli.Verbs;

/// <summary>
/// `verified exec FILE.elf [--stats] [-- ARGS]`: runs a static x86-64 Linux executable on the bare
/// emulated machine. Exit status: the program's own; 2 for a missing or malformed ELF;
/// <see cref="ExitCodes.GuestStopped"/> (4) when the program stops on an unsupported system call,
/// an unsupported instruction or an unhandled fault.
/// </summary>
internal static class ExecVerb
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<FileInfo>("file") { Description = "A static ELF64 x86-64 executable (ET_EXEC)." };
        var arguments = new Argument<string[]>("args") { Description = "Arguments passed to the program (after --).", Arity = ArgumentArity.ZeroOrMore };
        var stats = new Option<bool>("--stats") { Description = "Print the instructions retired and the speed on standard error." };
        var command = new Command("exec", "Run a static x86-64 Linux executable on the emulated machine (write, exit and exit_group only).")
        {
            file, arguments, stats,
        };
        command.SetAction(parse => Execute(parse.GetValue(file)!, parse.GetValue(arguments) ?? [], parse.GetValue(stats), stdout, stderr));
        return command;
    }

    private static int Execute(FileInfo file, string[] arguments, bool stats, TextWriter stdoutWriter, TextWriter stderr)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"verified exec: cannot read {file.Name}: {e.Message}");
            return ExitCodes.UsageOrInput;
        }

        if (!ElfImage.TryParse(bytes, out var image, out var error))
        {
            stderr.WriteLine($"verified exec: {file.Name}: malformed ELF: {error}");
            return ExitCodes.UsageOrInput;
        }

        BareProcess process;
        try
        {
            process = BareProcess.Load(image, [file.ToString(), .. arguments]);
        }
        catch (InvalidOperationException e)
        {
            stderr.WriteLine($"verified exec: {file.Name}: cannot load: {e.Message}");
            return ExitCodes.UsageOrInput;
        }

        // The program's bytes go to the real standard output unchanged; a test's writer gets them decoded.
        stdoutWriter.Flush();
        using var stdout = ReferenceEquals(stdoutWriter, Console.Out) ? Console.OpenStandardOutput() : new TextWriterStream(stdoutWriter);
        var clock = Stopwatch.StartNew();
        var errorStream = new TextWriterStream(stderr);
        var outcome = process.Run(stdout, errorStream);
        clock.Stop();
        stdout.Flush();
        errorStream.Flush();
        var code = outcome switch
        {
            BareOutcome.Exited exited => exited.Status,
            BareOutcome.Stopped stopped => Report(stderr, $"verified exec: {file.Name}: stopped: {stopped.Reason}"),
            _ => Report(stderr, $"verified exec: {file.Name}: stopped: instruction limit reached"),
        };
        if (stats)
        {
            var retired = process.Cpu.InstructionsRetired;
            var seconds = clock.Elapsed.TotalSeconds;
            var mips = seconds > 0 ? retired / seconds / 1e6 : 0;
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"retired {retired} instructions in {seconds:F3} s ({mips:F1} MIPS)"));
        }

        return code;
    }

    private static int Report(TextWriter stderr, string line)
    {
        stderr.WriteLine(line);
        return ExitCodes.GuestStopped;
    }
}
