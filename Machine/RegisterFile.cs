using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Verified.Machine;

/// <summary>
/// Sixteen 64-bit registers stored inline so a <see cref="RegisterFile"/> stays a plain value, plus a
/// seventeenth that is always zero: an absent base or index register of an address reads it, which
/// makes effective addresses branch-free.
/// </summary>
[InlineArray(17)]
internal struct GprArray
{
    private ulong element;
}

/// <summary>
/// The user-visible register state of one thread. A copyable value with structural equality: the
/// kernel saves and restores one per task.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct RegisterFile : IEquatable<RegisterFile>
{
    internal GprArray Gprs;
    public ulong Rip;
    public ulong Rflags;
    public ulong FsBase;
    public ulong GsBase;

    public ulong this[Gpr r]
    {
        readonly get => Gprs[CheckIndex(r)];
        set => Gprs[CheckIndex(r)] = value;
    }

    public readonly bool Equals(RegisterFile other) =>
        ((ReadOnlySpan<ulong>)Gprs)[..16].SequenceEqual(((ReadOnlySpan<ulong>)other.Gprs)[..16]) && Rip == other.Rip && Rflags == other.Rflags
        && FsBase == other.FsBase && GsBase == other.GsBase;

    public override readonly bool Equals(object? obj) => obj is RegisterFile other && Equals(other);

    public override readonly int GetHashCode()
    {
        var h = new HashCode();
        foreach (var v in ((ReadOnlySpan<ulong>)Gprs)[..16])
        {
            h.Add(v);
        }

        h.Add(Rip);
        h.Add(Rflags);
        h.Add(FsBase);
        h.Add(GsBase);
        return h.ToHashCode();
    }

    public static bool operator ==(RegisterFile left, RegisterFile right) => left.Equals(right);

    public static bool operator !=(RegisterFile left, RegisterFile right) => !left.Equals(right);

    public override readonly string ToString()
    {
        var parts = new List<string>();
        for (var i = 0; i < 16; i++)
        {
            parts.Add($"{(Gpr)i}={Gprs[i]:x}");
        }

        parts.Add($"Rip={Rip:x}");
        parts.Add($"Rflags={Rflags:x}");
        return string.Join(' ', parts);
    }

    private static int CheckIndex(Gpr r) =>
        (uint)r < 16 ? (int)r : throw new ArgumentOutOfRangeException(nameof(r), r, "Gpr must be one of Rax..R15.");
}
