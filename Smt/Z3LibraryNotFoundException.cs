namespace Verified.Smt;

/// <summary>
/// libz3.so.4 could not be loaded. Thrown when a <see cref="Context"/> is created, instead of a
/// DllNotFoundException from deep inside a call, with a message that says what to install; the
/// CLI maps it to exit code 3.
/// </summary>
public sealed class Z3LibraryNotFoundException : Exception
{
    /// <summary>The exact text users see.</summary>
    public const string InstallMessage =
        "libz3.so.4 was not found: install the Debian package libz3-4 (sudo apt-get install libz3-4)";

    public Z3LibraryNotFoundException()
        : base(InstallMessage)
    {
    }

    public Z3LibraryNotFoundException(string message)
        : base(message)
    {
    }

    public Z3LibraryNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
