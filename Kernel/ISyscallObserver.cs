using Verified.Kernel.Abi;
using Verified.Kernel.Objects;

namespace Verified.Kernel;

/// <summary>
/// Sees every syscall around its decode and invoke (the refinement checker's hook): the raw
/// number and the six argument registers before anything changes, then the status the caller
/// gets. Observers must not mutate the kernel.
/// </summary>
public interface ISyscallObserver
{
    /// <summary>Called on kernel entry, before decode.</summary>
    void Before(Kernel kernel, TaskObject caller, long number, ReadOnlySpan<ulong> args);

    /// <summary>Called after invoke with the status (for a restarted call: Ok and <paramref name="restarted"/>).</summary>
    void After(Kernel kernel, TaskObject caller, long number, ReadOnlySpan<ulong> args, KernelError status, bool restarted);
}
