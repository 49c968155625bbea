using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Diagnostics;

namespace Verified.Machine.Tests.Infrastructure;

/// <summary>
/// Runs differential cases on the host CPU through Native/harness.c, one long-lived process for
/// many batches (the protocol is described in harness.c).
/// </summary>
public sealed class NativeHarness : IDisposable
{
    private const int SigIll = 4, SigTrap = 5, SigFpe = 8, SigSegv = 11;
    private const int SegvMapErr = 1, SegvAccErr = 2;

    private readonly Process process;
    private readonly Stream input;
    private readonly Stream output;
    private readonly Task<string> stderr;

    private NativeHarness(Process process)
    {
        this.process = process;
        input = process.StandardInput.BaseStream;
        output = process.StandardOutput.BaseStream;
        stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>The harness source as deployed next to the test (or bench) assembly.</summary>
    public static string SourcePath => Path.Combine(AppContext.BaseDirectory, "Native", "harness.c");

    public static NativeHarness Start(GccBuilder gcc)
    {
        var executable = gcc.Build("harness", [SourcePath], ["-O2", "-Wall", "-Wextra", "-Werror"]);
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        return new NativeHarness(Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}."));
    }

    public IReadOnlyList<CaseOutcome> Run(IReadOnlyList<DifferentialCase> cases)
    {
        // Write on another thread: the harness answers as it reads, and both pipes are bounded.
        var writer = Task.Run(() =>
        {
            // Not disposed: that would close the harness's stdin, which must stay open for later batches.
            var buffer = new BufferedStream(input, 1 << 16);
            Span<byte> word = stackalloc byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(word, (uint)cases.Count);
            buffer.Write(word[..4]);
            foreach (var testCase in cases)
            {
                if ((ulong)testCase.Code.Length > GuestLayout.CodeCapacity - 16)
                {
                    throw new ArgumentException($"Code of {testCase.Code.Length} bytes does not fit the harness's code page.", nameof(cases));
                }
                BinaryPrimitives.WriteUInt32LittleEndian(word, (uint)testCase.Code.Length);
                buffer.Write(word[..4]);
                buffer.Write(testCase.Code.AsSpan());
                foreach (var register in testCase.Registers)
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(word, register);
                    buffer.Write(word);
                }
                BinaryPrimitives.WriteUInt64LittleEndian(word, testCase.Rflags);
                buffer.Write(word);
                BinaryPrimitives.WriteUInt64LittleEndian(word, testCase.MemorySeed);
                buffer.Write(word);
                BinaryPrimitives.WriteUInt64LittleEndian(word, testCase.GsBase);
                buffer.Write(word);
            }
            buffer.Flush();
        });
        var results = new List<CaseOutcome>(cases.Count);
        try
        {
            // The harness answers exactly the cases of this batch, so a fresh buffer never reads past them.
            using var reader = new BinaryReader(new BufferedStream(output, 1 << 16), System.Text.Encoding.UTF8, leaveOpen: true);
            for (var i = 0; i < cases.Count; i++)
            {
                results.Add(ReadOutcome(reader));
            }
        }
        catch (EndOfStreamException)
        {
            process.WaitForExit(5000);
            throw new InvalidOperationException($"The native harness died after {results.Count} cases: {stderr.Result}");
        }
        writer.GetAwaiter().GetResult();
        return results;
    }

    private static CaseOutcome ReadOutcome(BinaryReader reader)
    {
        var signal = reader.ReadUInt32();
        var rip = reader.ReadUInt64();
        var code = reader.ReadUInt32();
        var address = reader.ReadUInt64();
        var registers = ImmutableArray.CreateBuilder<ulong>(16);
        for (var r = 0; r < 16; r++)
        {
            registers.Add(reader.ReadUInt64());
        }
        var rflags = reader.ReadUInt64();
        var count = reader.ReadUInt32();
        var changed = ImmutableSortedDictionary.CreateBuilder<int, ulong>();
        for (var c = 0; c < count; c++)
        {
            var offset = (int)reader.ReadUInt32();
            changed[offset] = reader.ReadUInt64();
        }
        var stop = signal switch
        {
            0 => StopKind.End,
            SigFpe => StopKind.DivideError,
            SigSegv when code is SegvMapErr or SegvAccErr => StopKind.PageFault,
            SigSegv => StopKind.GeneralProtection,
            SigIll => StopKind.InvalidOpcode,
            SigTrap => StopKind.Breakpoint,
            _ => StopKind.Other,
        };
        return new CaseOutcome(stop, stop == StopKind.End ? 0 : rip, stop == StopKind.PageFault ? address : 0, registers.MoveToImmutable(), rflags, changed.ToImmutable());
    }

    public void Dispose()
    {
        try
        {
            input.Close();
            if (!process.WaitForExit(5000))
            {
                process.Kill();
            }
        }
        finally
        {
            process.Dispose();
        }
    }
}
