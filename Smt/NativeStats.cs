using Verified.Smt.Native;

namespace Verified.Smt;

/// <summary>A Z3_stats held only long enough to copy its entries out.</summary>
internal sealed class NativeStats : Z3Object
{
    internal NativeStats(Context context, nint handle)
        : base(context, handle, NativeRefKind.Stats)
    {
    }

    /// <summary>Every entry as name → value (integer counters widened to double; a repeated key keeps its last value).</summary>
    public IReadOnlyDictionary<string, double> ToDictionary()
    {
        var n = Context.Native;
        var size = Z3Native.Z3_stats_size(n, Handle);
        Context.ThrowIfError();
        var entries = new Dictionary<string, double>((int)size, StringComparer.Ordinal);
        for (uint i = 0; i < size; i++)
        {
            var key = Context.ReadString(Z3Native.Z3_stats_get_key(n, Handle, i));
            var isUInt = Z3Native.Z3_stats_is_uint(n, Handle, i);
            Context.ThrowIfError();
            double value = isUInt ? Z3Native.Z3_stats_get_uint_value(n, Handle, i) : Z3Native.Z3_stats_get_double_value(n, Handle, i);
            Context.ThrowIfError();
            entries[key] = value;
        }

        return entries;
    }
}
