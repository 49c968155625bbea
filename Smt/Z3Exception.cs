namespace Verified.Smt;

/// <summary>
/// An error reported by Z3 itself (ill-sorted term, bad parameter, parse error, ...), with Z3's
/// own message and error code. The binding installs no error handler, so Z3 records the error
/// and returns; the call's wrapper then throws this on the managed side of the boundary.
/// </summary>
public sealed class Z3Exception : Exception
{
    public Z3Exception(Z3ErrorCode code, string z3Message)
        : base($"Z3 error {code}: {z3Message}")
    {
        Code = code;
        Z3Message = z3Message;
    }

    public Z3Exception()
        : this(Z3ErrorCode.Exception, "unspecified")
    {
    }

    public Z3Exception(string message)
        : this(Z3ErrorCode.Exception, message)
    {
    }

    public Z3Exception(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = Z3ErrorCode.Exception;
        Z3Message = message;
    }

    /// <summary>Z3's error code.</summary>
    public Z3ErrorCode Code { get; }

    /// <summary>The message exactly as Z3 gave it (<c>Z3_get_error_msg</c>).</summary>
    public string Z3Message { get; }
}
