namespace Verified.Smt.Native;

/// <summary>
/// The project's own P/Invoke declarations for Z3's C API (z3_api.h of Z3 4.8.12, Debian's
/// libz3-4), written from the header and split by area into partial files. Handles are opaque
/// pointers (<see cref="nint"/>); strings going in are UTF-8 <c>char*</c>; strings coming back
/// (<c>Z3_string</c>) belong to Z3 and stay valid only until the next call, so they are returned
/// as pointers and copied at once with <see cref="System.Runtime.InteropServices.Marshal.PtrToStringUTF8(nint)"/>
/// (a marshalled string return would free Z3's buffer). C <c>bool</c> is one byte.
/// Nothing here checks errors: the managed façade reads <c>Z3_get_error_code</c> after each call.
/// </summary>
internal static partial class Z3Native
{
    /// <summary>The soname Debian's libz3-4 installs; a missing file is reported by <see cref="Z3Library"/>.</summary>
    public const string LibraryName = "libz3.so.4";
}
