using Verified.Kernel.Abi;
using Verified.Kernel.Objects;

namespace Verified.Kernel;

/// <summary>
/// Sees every fault raised outside a syscall (a CPU exception the run loop takes, or a host's
/// <see cref="Kernel.RaiseFault"/>) around its handling, so the refinement checker judges it as a
/// step of its own (task.crash). A fault inside a syscall (an unknown number) is part of that
/// syscall's step, which <see cref="ISyscallObserver"/> sees. Observers must not mutate the kernel.
/// </summary>
public interface IFaultObserver
{
    /// <summary>Called before the kernel handles the fault of the ready task <paramref name="task"/>.</summary>
    void BeforeFault(Kernel kernel, TaskObject task, FaultKind kind, ulong address, ulong code);

    /// <summary>Called after the fault was handled (the message sent, or the task stopped).</summary>
    void AfterFault(Kernel kernel, TaskObject task, FaultKind kind, ulong address, ulong code);
}
