namespace Verified.Spec;

/// <summary>
/// The mutable slots of one evaluation: scalars (Bool as 0/1, bit-vectors as bits, enums as the
/// member index) unboxed in <see cref="S"/>, maps and records in <see cref="O"/>. Every variable,
/// free or bound, has its own slot fixed at compile time.
/// </summary>
internal sealed class Frame(int scalars, int objects)
{
    public readonly ulong[] S = new ulong[scalars];
    public readonly ObjectSlot[] O = new ObjectSlot[objects];
}

/// <summary>
/// A slot of <see cref="Frame.O"/>. A struct around the reference, because a store into a
/// <c>Value[]</c> pays the array-covariance type check (Value is not sealed) on every write.
/// </summary>
internal struct ObjectSlot
{
    public Value? V;
}

internal delegate ulong SCode(Frame f);

internal delegate Value OCode(Frame f);

/// <summary>Thrown inside a map update's default computation when it reads the (poisoned) key; never escapes Eval.</summary>
internal sealed class KeyDependenceException(object owner) : Exception("internal: key read while evaluating a map default")
{
    public object Owner { get; } = owner;
}
