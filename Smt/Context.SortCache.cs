using Verified.Smt.Native;

namespace Verified.Smt;

/// <summary>
/// Native handles of the Boolean and bit-vector sorts, made once per context for the
/// convenience factories (BoolConst, BitVecConst, BitVec) so they allocate no sort wrapper per
/// term. The context holds one reference to each; deleting the context frees them.
/// </summary>
public sealed partial class Context
{
    private readonly Dictionary<uint, nint> bitVecSorts = [];
    private nint boolSort;

    private nint CachedBoolSort()
    {
        if (boolSort == 0)
        {
            boolSort = Checked(Z3Native.Z3_mk_bool_sort(Native));
            Z3Native.Z3_inc_ref(handle, boolSort);
            ThrowIfError();
        }

        return boolSort;
    }

    private nint CachedBitVecSort(uint width)
    {
        if (!bitVecSorts.TryGetValue(width, out var sort))
        {
            sort = Checked(Z3Native.Z3_mk_bv_sort(Native, width));
            Z3Native.Z3_inc_ref(handle, sort);
            ThrowIfError();
            bitVecSorts.Add(width, sort);
        }

        return sort;
    }
}
