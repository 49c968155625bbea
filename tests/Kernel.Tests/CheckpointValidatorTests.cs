using System.Collections.Immutable;
using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Checkpoints;
using Xunit;
using static Verified.Kernel.Tests.CheckpointFixture;

namespace Verified.Kernel.Tests;

/// <summary>Each consistency rule of <see cref="CheckpointValidator"/>, seen to bite on a planted defect in a real checkpoint.</summary>
public sealed class CheckpointValidatorTests
{
    private static readonly Lazy<TaskCheckpoint> Valid = new(() => new CheckpointFixture().Capture());

    public static TheoryData<string, string> Defects => new()
    {
        { "19 registers", "registers" },
        { "fs base not canonical", "canonical" },
        { "priority 256", "priority" },
        { "radix 13", "radix" },
        { "repeated reference", "repeated" },
        { "reference of no type", "has type" },
        { "page of 4095 bytes", "4096 bytes" },
        { "misaligned page", "misaligned" },
        { "write-only page", "bad access" },
        { "two pages at one address", "repeated" },
        { "unreferenced unmapped frame", "neither mapped nor named" },
        { "slot outside the CNode", "out of range" },
        { "two caps in one slot", "repeated" },
        { "type disagrees with target", "cannot refer" },
        { "frame index out of range", "cannot refer" },
        { "badge on a frame", "badge" },
        { "rights beyond all", "rights" },
        { "mapping recorded by a shared frame", "records a mapping" },
        { "mapping recorded twice", "records a mapping" },
        { "parent slot empty", "is empty" },
        { "derivation cycle", "cycle" },
        { "child with another badge", "not derivable" },
        { "fault handler not an endpoint", "fault handler" },
        { "grant table of 3 entries for 2 bits", "grant table" },
        { "grant access beyond read and write", "grant entry" },
    };

    [Theory]
    [MemberData(nameof(Defects))]
    public void EachDefectIsMalformed(string defect, string detail)
    {
        var c = Valid.Value;
        CheckpointValidator.Validate(c).ShouldBeNull();
        var planted = Plant(c, defect);
        planted.ShouldNotBe(c);
        var failure = CheckpointValidator.Validate(planted).ShouldNotBeNull(defect);
        failure.Error.ShouldBe(CheckpointError.Malformed);
        failure.Detail.ShouldContain(detail, Case.Insensitive, defect);
    }

    private static TaskCheckpoint Plant(TaskCheckpoint c, string defect)
    {
        CapturedCap Cap(int slot) => c.Caps.Single(x => x.Slot == slot);
        TaskCheckpoint WithCap(int slot, Func<CapturedCap, CapturedCap> change) => c with { Caps = [.. c.Caps.Select(x => x.Slot == slot ? change(x) : x)] };
        var firstMapped = c.Frames.Select((f, i) => (f, i)).First(x => x.f.Mapping is not null).i;
        var unmapped = c.Frames.Select((f, i) => (f, i)).First(x => x.f.Mapping is null).i;
        TaskCheckpoint WithFrame(int i, Func<CapturedFrame, CapturedFrame> change) => c with { Frames = c.Frames.SetItem(i, change(c.Frames[i])) };
        var grants = c.GrantTable!;
        return defect switch
        {
            "19 registers" => c with { Registers = c.Registers.RemoveAt(0) },
            "fs base not canonical" => c with { Registers = c.Registers.SetItem(AbiConstants.RegFsBase, 0x0000_8000_0000_0000) },
            "priority 256" => c with { Priority = 256 },
            "radix 13" => c with { CSpaceRadixBits = 13 },
            "repeated reference" => c with { References = c.References.Add(c.References[0]) },
            "reference of no type" => c with { References = c.References.Add(new SharedReference("none-1.0", ObjectType.None)) },
            "page of 4095 bytes" => WithFrame(firstMapped, f => f with { Contents = f.Contents.RemoveAt(0) }),
            "misaligned page" => WithFrame(firstMapped, f => f with { Mapping = f.Mapping! with { VirtualAddress = f.Mapping.VirtualAddress + 8 } }),
            "write-only page" => WithFrame(firstMapped, f => f with { Mapping = f.Mapping! with { Rights = Rights.Write } }),
            "two pages at one address" => WithFrame(unmapped, f => f with { Mapping = c.Frames[firstMapped].Mapping }),
            "unreferenced unmapped frame" => c with { Frames = c.Frames.Add(c.Frames[unmapped]) },
            "slot outside the CNode" => WithCap(SlotEp, x => x with { Slot = 1 << c.CSpaceRadixBits }),
            "two caps in one slot" => c with { Caps = c.Caps.Add(Cap(SlotNtfn) with { Target = Cap(SlotNtfn).Target }) },
            "type disagrees with target" => WithCap(SlotSelf, x => x with { Type = ObjectType.Endpoint }),
            "frame index out of range" => WithCap(SlotShared, x => x with { Target = new CapTarget.OwnFrame(c.Frames.Length) }),
            "badge on a frame" => WithCap(SlotPrivate, x => x with { Badge = 3 }),
            "rights beyond all" => WithCap(SlotNtfn, x => x with { Rights = (Rights)((int)Rights.All + 1) }),
            "mapping recorded by a shared frame" => WithCap(SlotShared, x => x with { RecordsMapping = true }),
            "mapping recorded twice" => c with { Caps = c.Caps.Add(Cap(SlotMapped) with { Slot = 10, Parent = null }) },
            "parent slot empty" => WithCap(SlotEpCopy, x => x with { Parent = 11 }),
            "derivation cycle" => WithCap(SlotEp, x => x with { Parent = SlotEpCopy, Rights = Rights.Write }),
            "child with another badge" => WithCap(SlotEpCopy, x => x with { Badge = 8 }),
            "fault handler not an endpoint" => c with { Fault = c.Fault! with { ReferenceId = c.References.First(r => r.Type == ObjectType.Notification).Id } },
            "grant table of 3 entries for 2 bits" => c with { GrantTable = grants with { Entries = grants.Entries.RemoveAt(0) } },
            "grant access beyond read and write" => c with { GrantTable = grants with { Entries = grants.Entries.SetItem(0, grants.Entries[0] with { Access = (GrantAccess)4 }) } },
            _ => throw new ArgumentException(defect),
        };
    }
}
