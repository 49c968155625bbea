using System.Diagnostics;

namespace Verified.Machine.Tests.Infrastructure;

/// <summary>A corpus program's observable behaviour: standard output and exit status.</summary>
public sealed record ProgramResult(byte[] Output, int ExitCode)
{
    public bool Equals(ProgramResult? other) =>
        other is not null && ExitCode == other.ExitCode && Output.AsSpan().SequenceEqual(other.Output);

    public override int GetHashCode() => HashCode.Combine(ExitCode, Output.Length);

    public string OutputText => System.Text.Encoding.UTF8.GetString(Output);
}

/// <summary>
/// The C programs under Corpus/, built freestanding and static at a given optimisation level
/// with the compiler flags of issue 4, and run natively.
/// </summary>
public static class Corpus
{
    public static readonly string[] Levels = ["O0", "O2", "O3"];

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Corpus");

    public static IReadOnlyList<string> Programs { get; } =
        [.. System.IO.Directory.GetFiles(Directory, "*.c").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal)];

    public static string Build(GccBuilder gcc, string program, string level)
    {
        if (!Levels.Contains(level))
        {
            throw new ArgumentException($"Optimisation level {level} is not one of {string.Join(", ", Levels)}.", nameof(level));
        }
        var source = Path.Combine(Directory, program + ".c");
        if (!File.Exists(source))
        {
            throw new ArgumentException($"No corpus program {program} (looked for {source}).", nameof(program));
        }
        return gcc.Build(
            $"{program}-{level}",
            [source],
            ["-ffreestanding", "-nostdlib", "-static", "-fno-pie", "-no-pie", "-mgeneral-regs-only", "-fno-stack-protector", $"-{level}", "-Wall", "-Wextra", "-Werror"],
            [Path.Combine(Directory, "crt.h")],
            ["-lgcc"]);
    }

    /// <summary>Runs an executable natively (or under <paramref name="launcher"/>, e.g. qemu-x86_64).</summary>
    public static ProgramResult RunNative(string executable, IReadOnlyList<string> arguments, string? launcher = null)
    {
        var start = new ProcessStartInfo(launcher ?? executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (launcher is not null)
        {
            start.ArgumentList.Add(executable);
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var stderr = process.StandardError.ReadToEndAsync();
        using var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        _ = stderr.Result;
        return new ProgramResult(output.ToArray(), process.ExitCode);
    }
}
