using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Checkpoints;
using Xunit;

namespace Verified.Kernel.Tests;

/// <summary>The serialised form: lossless round trip, and untrusted input never throws.</summary>
public sealed class CheckpointJsonTests
{
    private static readonly Gen<ulong> Word =
        Gen.Choose(0, 3).SelectMany(kind => kind switch
        {
            0 => Gen.Constant(0UL),
            1 => Gen.Constant(ulong.MaxValue),
            _ => Gen.Choose(int.MinValue, int.MaxValue).SelectMany(hi => Gen.Choose(int.MinValue, int.MaxValue).Select(lo => ((ulong)(uint)hi << 32) | (uint)lo)),
        });

    private static readonly Gen<string> Id =
        Gen.ArrayOf(Gen.Elements('a', 'z', '0', '-', '.', '"', '\\', ' ', '\n', 'é', '€', '{'), 0).Select(cs => new string(cs))
            .SelectMany(s => Gen.Choose(0, 12).SelectMany(n => Gen.ArrayOf(Gen.Elements('a', 'q', '7', '-', '.', '"', '\\', ' ', '\t', 'é', '€', '}'), n)).Select(cs => s + new string(cs)));

    private static readonly Gen<ObjectType> Type = Gen.Elements(Enum.GetValues<ObjectType>());

    private static readonly Gen<Rights> Right = Gen.Choose(0, (int)Rights.All).Select(r => (Rights)r);

    private static readonly Gen<CapTarget> Target = Gen.Choose(0, 4).SelectMany(k => k switch
    {
        0 => Gen.Constant<CapTarget>(new CapTarget.SelfTask()),
        1 => Gen.Constant<CapTarget>(new CapTarget.OwnCSpace()),
        4 => Gen.Constant<CapTarget>(new CapTarget.OwnGrantTable()),
        2 => Gen.Choose(int.MinValue, int.MaxValue).Select(i => (CapTarget)new CapTarget.OwnFrame(i)),
        _ => Id.Select(id => (CapTarget)new CapTarget.Shared(id)),
    });

    private static readonly Gen<CapturedCap> Cap =
        from slot in Gen.Choose(int.MinValue, int.MaxValue)
        from type in Type
        from target in Target
        from rights in Right
        from badge in Word
        from hasParent in Gen.Elements(true, false)
        from parent in Gen.Choose(int.MinValue, int.MaxValue)
        from records in Gen.Elements(true, false)
        select new CapturedCap(slot, type, target, rights, badge, hasParent ? parent : null, records);

    private static readonly Gen<CapturedFrame> Frame =
        from length in Gen.Choose(0, 80)
        from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), length)
        from mapped in Gen.Elements(true, false)
        from va in Word
        from access in Right
        select new CapturedFrame([.. bytes], mapped ? new PageMapping(va, access) : null);

    private static readonly Gen<CapTarget?> Party = Gen.Choose(0, 2).SelectMany(k => k switch
    {
        0 => Gen.Constant<CapTarget?>(null),
        1 => Gen.Constant<CapTarget?>(new CapTarget.SelfTask()),
        _ => Id.Select(id => (CapTarget?)new CapTarget.Shared(id)),
    });

    private static readonly Gen<CapturedGrant> Grant =
        from inUse in Gen.Elements(true, false)
        from generation in Gen.Choose(int.MinValue, int.MaxValue)
        from indirect in Gen.Elements(true, false)
        from grantee in Party
        from address in Word
        from length in Word
        from access in Gen.Choose(0, 3)
        from granter in Party
        from handle in Word
        select new CapturedGrant(inUse, (uint)generation, indirect, grantee, address, length, (GrantAccess)access, granter, handle);

    private static readonly Gen<CapturedGrantTable?> Grants =
        Gen.Choose(-1, 3).SelectMany(bits => bits < 0
            ? Gen.Constant<CapturedGrantTable?>(null)
            : Gen.Choose(0, 5).SelectMany(n => Gen.ArrayOf(Grant, n)).Select(e => (CapturedGrantTable?)new CapturedGrantTable(bits, [.. e])));

    private static readonly Gen<TaskCheckpoint> Checkpoint =
        from registers in Gen.ArrayOf(Word, AbiConstants.RegisterCount)
        from priority in Gen.Choose(int.MinValue, int.MaxValue)
        from radix in Gen.Choose(-3, 20)
        from references in Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(Id.SelectMany(id => Type.Select(t => new SharedReference(id, t))), n))
        from frames in Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(Frame, n))
        from caps in Gen.Choose(0, 6).SelectMany(n => Gen.ArrayOf(Cap, n))
        from hasFault in Gen.Elements(true, false)
        from faultId in Id
        from faultBadge in Word
        from grants in Grants
        select new TaskCheckpoint([.. registers], priority, radix, [.. references], [.. frames], [.. caps], hasFault ? new FaultHandler(faultId, faultBadge) : null, grants);

    [Fact]
    public void RandomCheckpointsRoundTripLosslessly()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(Checkpoint.ToArbitrary(), c =>
        {
            CheckpointJson.TryParse(CheckpointJson.Serialize(c), out var back, out var failure).ShouldBeTrue(failure?.ToString());
            back.ShouldBe(c);
        }));
    }

    [Fact]
    public void ACapturedCheckpointRoundTripsAndValidates()
    {
        var c = new CheckpointFixture().Capture();
        CheckpointValidator.Validate(c).ShouldBeNull();
        CheckpointJson.TryParse(CheckpointJson.Serialize(c), out var back, out var failure).ShouldBeTrue(failure?.ToString());
        back.ShouldBe(c);
        back!.Caps.ShouldNotBeEmpty();
    }

    [Fact]
    public void RandomCorruptionIsADefinedErrorNeverAnException()
    {
        var fixture = new CheckpointFixture();
        var c = fixture.Capture();
        var request = fixture.Request(c);
        var text = CheckpointJson.Serialize(c);
        var outcomes = new Dictionary<string, int>();
        var mutation =
            from kind in Gen.Choose(0, 3)
            from position in Gen.Choose(0, text.Length - 1)
            from length in Gen.Choose(1, 40)
            from insert in Gen.Elements("", "0", "-1", "\"", "{", "}", "[", "]", ",", ":", "null", "true", "1e400", "0x", "\"0xffffffffffffffffff\"", "\\u0000", "99999999999", "\ud800", "\"registers\": [], ")
            select kind switch
            {
                0 => text[..position],
                1 => text[..position] + insert + text[Math.Min(text.Length, position + length)..],
                2 => text[..position] + (char)(text[position] ^ 1) + text[(position + 1)..],
                _ => text[..position] + insert + text[position..],
            };
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(400), Prop.ForAll(mutation.ToArbitrary(), mutated =>
        {
            if (!CheckpointJson.TryParse(mutated, out var read, out var failure))
            {
                read.ShouldBeNull();
                failure!.Error.ShouldBeOneOf(CheckpointError.Malformed, CheckpointError.UnsupportedVersion);
                failure.Detail.ShouldNotBeNullOrWhiteSpace();
                Count(outcomes, "refused by the reader");
                return;
            }

            // Read back: a restore either refuses it with a defined error or restores a consistent task.
            var target = new CheckpointFixture();
            var ok = target.Target.Kernel.TryRestoreTask(target.Target.RootTask, read!, request, out _, out failure);
            Count(outcomes, ok ? "restored" : $"refused: {failure!.Error}");
            target.Target.Check();
        }));
        outcomes.GetValueOrDefault("refused by the reader").ShouldBeGreaterThan(100);
    }

    [Fact]
    public void VersionFormatAndShapeErrorsNameTheField()
    {
        var text = CheckpointJson.Serialize(new CheckpointFixture().Capture());
        Parse(text.Replace("\"version\": 1", "\"version\": 2", StringComparison.Ordinal)).ShouldBe(CheckpointError.UnsupportedVersion);
        Parse(text.Replace("verified-task-checkpoint", "verified-trace", StringComparison.Ordinal)).ShouldBe(CheckpointError.Malformed);
        Parse("[]").ShouldBe(CheckpointError.Malformed);
        Parse("").ShouldBe(CheckpointError.Malformed);
        Parse(new string('[', 10_000)).ShouldBe(CheckpointError.Malformed);
        Parse("{\"format\": \"\ud800\"}").ShouldBe(CheckpointError.Malformed);
        Parse("{\"format\": \"" + '\ud800' + "\"}").ShouldBe(CheckpointError.Malformed);
        Parse(text.Replace("\"registers\"", "\"registers\": 1, \"registers\"", StringComparison.Ordinal)).ShouldBe(CheckpointError.Malformed);
        CheckpointJson.TryParse(text.Replace("\"priority\"", "\"priorit\"", StringComparison.Ordinal), out _, out var failure).ShouldBeFalse();
        failure!.Detail.ShouldContain("priority");
    }

    private static CheckpointError? Parse(string text) => CheckpointJson.TryParse(text, out _, out var failure) ? null : failure!.Error;

    private static void Count(Dictionary<string, int> outcomes, string key) => outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
}
