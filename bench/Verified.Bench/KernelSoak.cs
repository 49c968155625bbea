using System.Diagnostics;
using System.Globalization;
using Verified.Kernel.Checking;

namespace Verified.Bench;

/// <summary>
/// `dotnet run -c Release --project bench/Verified.Bench -- soak-kernel [SECONDS]`: the random
/// syscall property for as long as asked (default 300 s), seeds printed so a failure replays.
/// </summary>
internal static class KernelSoak
{
    public static int Run(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 300;
        var sw = Stopwatch.StartNew();
        long total = 0;
        var runs = 0;
        for (var seed = 1; sw.Elapsed.TotalSeconds < seconds; seed++)
        {
            var random = new Random(seed);
            var raw = new int[8 * random.Next(1, 400)];
            for (var i = 0; i < raw.Length; i++)
            {
                raw[i] = random.Next();
            }

            var failure = SyscallFuzzer.Run(raw, out var n);
            total += n;
            runs++;
            if (failure is not null)
            {
                Console.WriteLine($"seed {seed}: {failure}");
                return 1;
            }
        }

        Console.WriteLine($"soak-kernel: {runs} runs, {total} random syscalls, consistent after each, in {sw.Elapsed.TotalSeconds:F0} s");
        return 0;
    }
}
