using System.Collections.Immutable;
using System.Text;
using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Checking;
using Verified.Kernel.Checkpoints;
using Verified.Kernel.Objects;
using Verified.Kernel.Run;
using Xunit;

namespace Verified.Kernel.Tests;

/// <summary>
/// The Genode migration question end to end: a client task of Userland/examples/migrate.c is
/// checkpointed mid-run, written to a file, read back and restored into a second, freshly booted
/// system whose own server is bound in place of the first; the two consoles together must equal
/// the console of a run that was never migrated.
/// </summary>
public sealed class MigrationTests
{
    private const ulong Memory = 32 << 20;
    private const int HolderSlot = 3000;

    [Fact]
    public void AMigratedClientContinuesExactlyAsAnUninterruptedRun()
    {
        // The reference: the same program, never migrated.
        KernelSystem.TryBoot(EndToEndTests.Program("migrate"), [], Memory, out var whole, out var error).ShouldBeTrue(error);
        var wholeOutcome = whole!.Run(50_000_000);
        var wholeConsole = Console(whole);
        wholeOutcome.ShouldBe(new RunOutcome.Exited(0), wholeConsole);

        // The source: run until the client has made some calls and is between calls (runnable).
        KernelSystem.TryBoot(EndToEndTests.Program("migrate"), [], Memory, out var source, out error).ShouldBeTrue(error);
        var client = RunUntilClientIsBetweenCalls(source!, lines: 5);
        TaskCapture.TryCapture(source!.Kernel, client, out var checkpoint, out var failure).ShouldBeTrue(failure?.ToString());
        var sourceConsole = Console(source);
        sourceConsole.ShouldNotBeEmpty();
        wholeConsole.ShouldStartWith(sourceConsole);
        wholeConsole.Length.ShouldBeGreaterThan(sourceConsole.Length, "the checkpoint is taken before the client finished");

        var file = Path.Combine(Path.GetTempPath(), $"verified-checkpoint-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(file, CheckpointJson.Serialize(checkpoint!));
            CheckpointJson.TryParse(File.ReadAllText(file), out var read, out failure).ShouldBeTrue(failure?.ToString());
            read.ShouldBe(checkpoint);
            checkpoint = read;
        }
        finally
        {
            File.Delete(file);
        }

        // The target: a different system (a module makes the root a target: server, no client).
        KernelSystem.TryBoot(EndToEndTests.Program("migrate"), [[1, 2, 3]], Memory, out var target, out error).ShouldBeTrue(error);
        target!.Run(50_000_000).ShouldBeOfType<RunOutcome.Stuck>("the target's root waits for a client that is not there yet");
        target.Kernel.Tasks.Count().ShouldBe(2);
        var root = target.Kernel.Objects.Resolve<TaskObject>(target.RootTask)!;
        var request = TargetRequest(target, checkpoint!);
        target.Kernel.TryRestoreTask(root, checkpoint!, request, out var restored, out failure).ShouldBeTrue(failure?.ToString());
        ConsistencyChecker.Check(target.Kernel).ShouldBeEmpty();
        CheckpointEquivalence.Differences(checkpoint!, target.Kernel, root, request, restored!.Task).ShouldBeEmpty();

        var targetOutcome = target.Run(50_000_000);
        (sourceConsole + Console(target)).ShouldBe(wholeConsole);
        targetOutcome.ShouldBe(wholeOutcome);
        ConsistencyChecker.Check(target.Kernel).ShouldBeEmpty();
    }

    [Fact]
    public void AClientMigratedTwiceStillMatchesTheUninterruptedRun()
    {
        KernelSystem.TryBoot(EndToEndTests.Program("migrate"), [], Memory, out var whole, out var error).ShouldBeTrue(error);
        var wholeOutcome = whole!.Run(50_000_000);
        var expected = Console(whole);

        KernelSystem.TryBoot(EndToEndTests.Program("migrate"), [], Memory, out var first, out error).ShouldBeTrue(error);
        var consoles = new List<string>();
        var current = first!;
        foreach (var lines in new[] { 2, 4 })
        {
            var client = RunUntilClientIsBetweenCalls(current, lines);
            TaskCapture.TryCapture(current.Kernel, client, out var checkpoint, out var failure).ShouldBeTrue(failure?.ToString());
            consoles.Add(Console(current));
            KernelSystem.TryBoot(EndToEndTests.Program("migrate"), [[9]], Memory, out var next, out error).ShouldBeTrue(error);
            next!.Run(50_000_000).ShouldBeOfType<RunOutcome.Stuck>();
            var root = next.Kernel.Objects.Resolve<TaskObject>(next.RootTask)!;
            var json = CheckpointJson.Serialize(checkpoint!);
            CheckpointJson.TryParse(json, out var read, out failure).ShouldBeTrue(failure?.ToString());
            next.Kernel.TryRestoreTask(root, read!, TargetRequest(next, read!), out _, out failure).ShouldBeTrue(failure?.ToString());
            ConsistencyChecker.Check(next.Kernel).ShouldBeEmpty();
            current = next;
        }

        current.Run(50_000_000).ShouldBe(wholeOutcome);
        consoles.Add(Console(current));
        consoles.ShouldAllBe(c => c.Length > 0, "each system printed part of the run");
        string.Concat(consoles).ShouldBe(expected);
    }

    [Fact]
    public void AClientBlockedOnItsCallIsRefused()
    {
        KernelSystem.TryBoot(EndToEndTests.Program("migrate"), [], Memory, out var source, out var error).ShouldBeTrue(error);
        var system = source!;
        TaskObject? blocked = null;
        for (var i = 0; i < 10_000 && blocked is null; i++)
        {
            system.Run(50).ShouldBeOfType<RunOutcome.InstructionLimit>();
            blocked = system.Kernel.Tasks.FirstOrDefault(t => t.Priority == 50 && t.State == TaskState.BlockedOnReply);
        }

        blocked.ShouldNotBeNull();
        TaskCapture.TryCapture(system.Kernel, blocked, out var checkpoint, out var failure).ShouldBeFalse();
        checkpoint.ShouldBeNull();
        failure!.Error.ShouldBe(CheckpointError.BlockedInIpc);
    }

    internal static string Console(KernelSystem s) => Encoding.UTF8.GetString([.. s.Kernel.ConsoleOutput]);

    /// <summary>Runs in small steps until the client (the priority-50 task) is runnable with at least <paramref name="lines"/> console lines.</summary>
    internal static TaskObject RunUntilClientIsBetweenCalls(KernelSystem s, int lines)
    {
        for (var i = 0; i < 100_000; i++)
        {
            s.Run(200).ShouldBeOfType<RunOutcome.InstructionLimit>();
            var client = s.Kernel.Tasks.FirstOrDefault(t => t.Priority == 50);
            if (client is { State: TaskState.Ready } && Console(s).Count(c => c == '\n') >= lines)
            {
                return client;
            }
        }

        throw new InvalidOperationException("the client never reached the checkpoint point");
    }

    /// <summary>Binds each reference of the checkpoint to the target root's capability of that type (its endpoint, notification, console).</summary>
    internal static RestoreRequest TargetRequest(KernelSystem target, TaskCheckpoint checkpoint)
    {
        var k = target.Kernel;
        var root = k.Objects.Resolve<TaskObject>(target.RootTask)!;
        var cnode = k.Objects.Resolve<CNodeObject>(root.CSpaceRoot)!;
        int FirstOf(ObjectType type) => Enumerable.Range(0, cnode.View.Length).First(i => cnode.View[i].Cap.Type == type && cnode.View[i].Cap.Badge == 0);
        var binding = checkpoint.References.ToImmutableSortedDictionary(r => r.Id, r => (ulong)FirstOf(r.Type));
        var untyped = Enumerable.Range(target.Boot.UntypedFirstSlot, target.Boot.UntypedCount)
            .MaxBy(i => k.Objects.Resolve<UntypedObject>(cnode.View[i].Cap.Object)?.SizeBits ?? -1);
        return new RestoreRequest((ulong)untyped, AbiConstants.SlotRootCNode, HolderSlot, binding);
    }
}
