using Shouldly;
using Verified.Kernel.Abi;
using Xunit;

namespace Verified.Kernel.Tests;

public sealed class AbiTests
{
    /// <summary>The committed C header is exactly what the C# enums generate (VERIFIED_REGENERATE=1 rewrites it).</summary>
    [Fact]
    public void CommittedHeaderMatchesTheGenerator()
    {
        var path = Path.Combine(RepositoryRoot(), CHeader.RelativePath);
        var expected = CHeader.Generate();
        if (Environment.GetEnvironmentVariable("VERIFIED_REGENERATE") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, expected);
        }

        File.Exists(path).ShouldBeTrue($"{path} is missing; run VERIFIED_REGENERATE=1 dotnet test tests/Kernel.Tests");
        File.ReadAllText(path).ShouldBe(expected, $"{CHeader.RelativePath} is out of date; run VERIFIED_REGENERATE=1 dotnet test tests/Kernel.Tests");
    }

    [Fact]
    public void HeaderNamesEverySyscallAndError()
    {
        var text = CHeader.Generate();
        text.ShouldContain("#define VSYS_CNODE_COPY (1L)");
        text.ShouldContain("#define VSYS_NB_SEND (9L)");
        text.ShouldContain("#define VERR_STALE_CAPABILITY (-3L)");
        foreach (var n in Enum.GetNames<SyscallNumber>())
        {
            text.ShouldContain($"#define VSYS_{CHeader.Snake(n)} ");
        }
    }

    [Fact]
    public void ErrorsAreDistinctAndNegative()
    {
        var values = Enum.GetValues<KernelError>();
        values.Select(v => (long)v).Distinct().Count().ShouldBe(values.Length);
        values.Where(v => v != KernelError.Ok).ShouldAllBe(v => (long)v < 0);
    }

    [Fact]
    public void EverySyscallNumberIsDispatched()
    {
        // Called with all-zero arguments, no defined number may come back as "unknown".
        foreach (var n in Enum.GetValues<SyscallNumber>().Where(n => n != SyscallNumber.Exit))
        {
            var s = new TestSystem();
            var o = s.Kernel.Syscall(s.RootTask, n, 0, 0, 0, 0, 0, 0);
            o.Status.ShouldNotBe(KernelError.UnknownSyscall, n.ToString());
        }
    }

    [Fact]
    public void AnUnknownNumberStopsATaskWithoutAFaultHandler()
    {
        var s = new TestSystem();
        var o = s.Kernel.Syscall(s.RootTask, 999, 1, 2, 3);
        o.Status.ShouldBe(KernelError.UnknownSyscall);
        s.RootTask.State.ShouldBe(Objects.TaskState.Inactive);
        s.RootTask.StopReason.ShouldNotBeNull().ShouldContain("UnknownSyscall");
        s.Check();
    }

    internal static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Verified.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("cannot find Verified.sln above the test directory");
    }
}
