using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Xunit;
using static Verified.Kernel.Tests.TestSystem;

namespace Verified.Kernel.Tests;

public sealed class GrantTests
{
    internal const ulong Buffer = 0x5000_0000;

    /// <summary>Three tasks, each with a grant table and a writable page at <see cref="Buffer"/> holding its name.</summary>
    internal static (TestSystem S, TaskObject[] T) Setup()
    {
        var s = new TestSystem();
        var tasks = new TaskObject[3];
        for (var i = 0; i < 3; i++)
        {
            var (slot, t) = s.MakeTask();
            var gt = s.Make(ObjectType.GrantTable, 2);
            s.Ok(SyscallNumber.TaskConfigure, slot, Root, NoCap, 100, gt);
            var frame = s.Make(ObjectType.Frame);
            s.Ok(SyscallNumber.FrameMap, frame, slot, Buffer, (ulong)(Rights.Read | Rights.Write), s.Untyped);
            s.Kernel.Memory.Write(s.Object<FrameObject>(frame).Paddr, System.Text.Encoding.ASCII.GetBytes($"task{i}-data"));
            tasks[i] = t;
        }

        return (s, tasks);
    }

    private static string Read(TestSystem s, TaskObject t, ulong va, int n) =>
        System.Text.Encoding.ASCII.GetString(s.Kernel.ReadUser(t, va, (ulong)n));

    [Fact]
    public void DirectGrantSafecopyFromAndTo()
    {
        var (s, t) = Setup();
        var h = s.Call(t[0], SyscallNumber.GrantCreate, t[1].Ref.Packed, Buffer, 64, (ulong)(GrantAccess.Read | GrantAccess.Write));
        h.Status.ShouldBe(KernelError.Ok);
        s.Call(t[1], SyscallNumber.SafeCopyFrom, t[0].Ref.Packed, h.Result0, 0, Buffer + 100, 10).Status.ShouldBe(KernelError.Ok);
        Read(s, t[1], Buffer + 100, 10).ShouldBe("task0-data");
        s.Call(t[1], SyscallNumber.SafeCopyTo, t[0].Ref.Packed, h.Result0, 20, Buffer, 5).Status.ShouldBe(KernelError.Ok);
        Read(s, t[0], Buffer + 20, 5).ShouldBe("task1");
    }

    [Fact]
    public void EveryCheckOfADirectGrant()
    {
        var (s, t) = Setup();
        var h = s.Call(t[0], SyscallNumber.GrantCreate, t[1].Ref.Packed, Buffer, 64, (ulong)GrantAccess.Read).Result0;
        var g = t[0].Ref.Packed;
        s.Call(t[2], SyscallNumber.SafeCopyFrom, g, h, 0, Buffer, 8).Status.ShouldBe(KernelError.GrantInvalid, "not the grantee");
        s.Call(t[1], SyscallNumber.SafeCopyFrom, g, h, 60, Buffer, 8).Status.ShouldBe(KernelError.GrantInvalid, "past the range");
        s.Call(t[1], SyscallNumber.SafeCopyFrom, g, h, ulong.MaxValue - 2, Buffer, 8).Status.ShouldBe(KernelError.GrantInvalid, "offset overflow");
        s.Call(t[1], SyscallNumber.SafeCopyTo, g, h, 0, Buffer, 8).Status.ShouldBe(KernelError.GrantInvalid, "no write access");
        s.Call(t[1], SyscallNumber.SafeCopyFrom, g, h + 1, 0, Buffer, 8).Status.ShouldBe(KernelError.GrantInvalid, "another index");
        s.Call(t[1], SyscallNumber.SafeCopyFrom, t[2].Ref.Packed, h, 0, Buffer, 8).Status.ShouldBe(KernelError.GrantInvalid, "another granter");
        s.Call(t[1], SyscallNumber.SafeCopyFrom, g, h, 0, 0x9000_0000, 8).Status.ShouldBe(KernelError.BadAddress, "local memory unmapped");
        s.Call(t[1], SyscallNumber.SafeCopyFrom, g, h, 0, Buffer, 0).Status.ShouldBe(KernelError.InvalidArgument);
        s.Call(t[1], SyscallNumber.SafeCopyFrom, g, h, 0, Buffer, AbiConstants.MaxCopyLength + 1).Status.ShouldBe(KernelError.InvalidArgument);
        s.Call(t[0], SyscallNumber.GrantRevoke, h).Status.ShouldBe(KernelError.Ok);
        s.Call(t[1], SyscallNumber.SafeCopyFrom, g, h, 0, Buffer, 8).Status.ShouldBe(KernelError.GrantInvalid, "revoked");
        var again = s.Call(t[0], SyscallNumber.GrantCreate, t[1].Ref.Packed, Buffer, 64, (ulong)GrantAccess.Read).Result0;
        (again & 0xFFFF_FFFF).ShouldBe(h & 0xFFFF_FFFF, "the index is reused");
        s.Call(t[1], SyscallNumber.SafeCopyFrom, g, h, 0, Buffer, 8).Status.ShouldBe(KernelError.GrantInvalid, "the old handle never verifies again");
        s.Call(t[1], SyscallNumber.SafeCopyFrom, g, again, 0, Buffer, 8).Status.ShouldBe(KernelError.Ok);
        s.Call(t[0], SyscallNumber.GrantRevoke, h).Status.ShouldBe(KernelError.GrantInvalid);
    }

    [Fact]
    public void GrantMemoryUnmappedAtCopyTimeIsABadAddress()
    {
        var (s, t) = Setup();
        var h = s.Call(t[0], SyscallNumber.GrantCreate, t[1].Ref.Packed, 0x6000_0000, 64, (ulong)GrantAccess.Read).Result0;
        s.Call(t[1], SyscallNumber.SafeCopyFrom, t[0].Ref.Packed, h, 0, Buffer, 8).Status.ShouldBe(KernelError.BadAddress);
    }

    [Fact]
    public void GrantCreateErrorPaths()
    {
        var (s, t) = Setup();
        s.Call(SyscallNumber.GrantCreate, t[1].Ref.Packed, Buffer, 8, 1).Status.ShouldBe(KernelError.InvalidState, "the root has no grant table");
        s.Call(t[0], SyscallNumber.GrantCreate, 12345, Buffer, 8, 1).Status.ShouldBe(KernelError.InvalidArgument, "no such grantee");
        s.Call(t[0], SyscallNumber.GrantCreate, t[1].Ref.Packed, Buffer, 0, 1).Status.ShouldBe(KernelError.InvalidArgument);
        s.Call(t[0], SyscallNumber.GrantCreate, t[1].Ref.Packed, Buffer, 8, 4).Status.ShouldBe(KernelError.InvalidArgument);
        s.Call(t[0], SyscallNumber.GrantCreate, t[1].Ref.Packed, AbiConstants.UserTop - 4, 8, 1).Status.ShouldBe(KernelError.InvalidArgument);
        for (var i = 0; i < 4; i++)
        {
            s.Call(t[0], SyscallNumber.GrantCreate, t[1].Ref.Packed, Buffer, 8, 1).Status.ShouldBe(KernelError.Ok);
        }

        s.Call(t[0], SyscallNumber.GrantCreate, t[1].Ref.Packed, Buffer, 8, 1).Status.ShouldBe(KernelError.GrantTableFull);
    }

    [Fact]
    public void IndirectGrantsAreCheckedAlongTheChain()
    {
        var (s, t) = Setup();
        var h0 = s.Call(t[0], SyscallNumber.GrantCreate, t[1].Ref.Packed, Buffer, 64, (ulong)(GrantAccess.Read | GrantAccess.Write)).Result0;
        s.Call(t[1], SyscallNumber.GrantCreateIndirect, t[2].Ref.Packed, t[0].Ref.Packed, h0, 32, 64, 1).Status.ShouldBe(KernelError.GrantInvalid, "wider than held");
        s.Call(t[2], SyscallNumber.GrantCreateIndirect, t[2].Ref.Packed, t[0].Ref.Packed, h0, 0, 8, 1).Status.ShouldBe(KernelError.GrantInvalid, "t2 holds nothing");
        var h1 = s.Call(t[1], SyscallNumber.GrantCreateIndirect, t[2].Ref.Packed, t[0].Ref.Packed, h0, 6, 4, (ulong)GrantAccess.Read);
        h1.Status.ShouldBe(KernelError.Ok);
        s.Call(t[2], SyscallNumber.SafeCopyFrom, t[1].Ref.Packed, h1.Result0, 0, Buffer + 200, 4).Status.ShouldBe(KernelError.Ok);
        Read(s, t[2], Buffer + 200, 4).ShouldBe("data");
        s.Call(t[2], SyscallNumber.SafeCopyTo, t[1].Ref.Packed, h1.Result0, 0, Buffer, 4).Status.ShouldBe(KernelError.GrantInvalid, "the link allows read only");
        s.Call(t[2], SyscallNumber.SafeCopyFrom, t[1].Ref.Packed, h1.Result0, 1, Buffer, 4).Status.ShouldBe(KernelError.GrantInvalid, "outside the sub-range");
        s.Call(t[0], SyscallNumber.GrantRevoke, h0).Status.ShouldBe(KernelError.Ok);
        s.Call(t[2], SyscallNumber.SafeCopyFrom, t[1].Ref.Packed, h1.Result0, 0, Buffer, 4).Status.ShouldBe(KernelError.GrantInvalid, "an earlier link was revoked");
    }

    [Fact]
    public void ChainsLongerThanTheBoundAreRefused()
    {
        var s = new TestSystem();
        var tasks = new List<TaskObject>();
        for (var i = 0; i <= AbiConstants.MaxGrantChain + 1; i++)
        {
            var (slot, t) = s.MakeTask();
            var gt = s.Make(ObjectType.GrantTable, 1);
            s.Ok(SyscallNumber.TaskConfigure, slot, Root, NoCap, 100, gt);
            tasks.Add(t);
        }

        var handle = s.Call(tasks[0], SyscallNumber.GrantCreate, tasks[1].Ref.Packed, Buffer, 64, 1).Result0;
        for (var i = 1; i < AbiConstants.MaxGrantChain; i++)
        {
            var o = s.Call(tasks[i], SyscallNumber.GrantCreateIndirect, tasks[i + 1].Ref.Packed, tasks[i - 1].Ref.Packed, handle, 0, 64, 1);
            o.Status.ShouldBe(KernelError.Ok, $"link {i + 1}");
            handle = o.Result0;
        }

        var last = AbiConstants.MaxGrantChain;
        s.Call(tasks[last], SyscallNumber.GrantCreateIndirect, tasks[last + 1].Ref.Packed, tasks[last - 1].Ref.Packed, handle, 0, 64, 1)
            .Status.ShouldBe(KernelError.GrantChainTooDeep);
        s.Kernel.VerifyGrant(tasks[last], tasks[last - 1].Ref, handle, 0, 8, GrantAccess.Read, out var owner, out var address, out var links).ShouldBe(KernelError.Ok);
        (owner, address, links).ShouldBe((tasks[0], Buffer, AbiConstants.MaxGrantChain));
    }
}
