using Verified.Smt.Native;

namespace Verified.Smt;

/// <summary>The parameters a solver accepts (Z3_param_descrs), used to validate parameter sets.</summary>
internal sealed class ParamDescriptions : Z3Object
{
    internal ParamDescriptions(Context context, nint handle)
        : base(context, handle, NativeRefKind.ParamDescrs)
    {
    }
}
