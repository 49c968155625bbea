namespace Verified.Kernel.Abi;

/// <summary>
/// The system call numbers (DESIGN.md "System call ABI": number in rax; arguments in rdi, rsi,
/// rdx, r10, r8, r9; status in rax; results in rdi, rsi, rdx, and for IPC also r10, r8, r9).
/// This enum is the single definition: Userland/include/verified/syscall_abi.h is generated from
/// it by <see cref="CHeader"/>, and a test fails when the committed header is out of date.
/// A "slot address" is a pair (cnode cptr, index): cnode cptr names a CNode capability in the
/// caller's root CNode (cptr = index in the root CNode); every other cptr is such an index.
/// </summary>
public enum SyscallNumber : long
{
    /// <summary>No operation; returns 0. Useful to measure the kernel entry cost.</summary>
    Null = 0,

    /// <summary>(src cnode, src index, dst cnode, dst index, rights): derive a child with rights masked.</summary>
    CNodeCopy = 1,

    /// <summary>(src cnode, src index, dst cnode, dst index, rights, badge): copy with a badge set once.</summary>
    CNodeMint = 2,

    /// <summary>(src cnode, src index, dst cnode, dst index): move, keeping the derivation position.</summary>
    CNodeMove = 3,

    /// <summary>(src cnode, src index, dst cnode, dst index, rights, badge): move with rights masked and badge set once.</summary>
    CNodeMutate = 4,

    /// <summary>(cnode, index): delete one capability; the last one finalises its object.</summary>
    CNodeDelete = 5,

    /// <summary>(cnode, index): delete every descendant; preemptible and restarted transparently.</summary>
    CNodeRevoke = 6,

    /// <summary>(untyped, object type, size bits, dst cnode, dst index, count): create objects.</summary>
    UntypedRetype = 7,

    /// <summary>(endpoint, cap to transfer or ~0, mr0, mr1, mr2, mr3): blocking send.</summary>
    Send = 8,

    /// <summary>As Send, but fails with WouldBlock instead of blocking.</summary>
    NBSend = 9,

    /// <summary>(endpoint, receive slot or ~0): blocking receive; results rdi=badge, rsi..r8=mr0..mr3, r9=info.</summary>
    Recv = 10,

    /// <summary>As Recv, but fails with WouldBlock instead of blocking.</summary>
    NBRecv = 11,

    /// <summary>(endpoint, cap to transfer or ~0, mr0..mr3): send, then wait for the reply (one-shot reply capability).</summary>
    Call = 12,

    /// <summary>(unused, cap to transfer or ~0, mr0..mr3): answer the last call received.</summary>
    Reply = 13,

    /// <summary>(endpoint, receive slot or ~0, mr0..mr3): reply (when a caller waits), then receive.</summary>
    ReplyRecv = 14,

    /// <summary>(notification): OR the capability's badge (1 when unbadged) into the word.</summary>
    Signal = 15,

    /// <summary>(notification): wait for a non-zero word; rdi = the word, which is cleared.</summary>
    Wait = 16,

    /// <summary>(notification): rdi = the word (possibly 0), which is cleared; never blocks.</summary>
    Poll = 17,

    /// <summary>(task, cspace cnode, fault endpoint or ~0, priority, grant table or ~0).</summary>
    TaskConfigure = 18,

    /// <summary>(task, register index): rdi = the value. Index: 0..15 rax..r15 in encoding order, 16 rip, 17 rflags, 18 fs base, 19 gs base.</summary>
    TaskReadRegister = 19,

    /// <summary>(task, register index, value).</summary>
    TaskWriteRegister = 20,

    /// <summary>(task): make an inactive task runnable.</summary>
    TaskResume = 21,

    /// <summary>(task): stop the task, cancelling any IPC it waits in.</summary>
    TaskSuspend = 22,

    /// <summary>(task): finalise the task now; every reference to it becomes stale.</summary>
    TaskDestroy = 23,

    /// <summary>(): go to the end of the caller's priority queue.</summary>
    Yield = 24,

    /// <summary>(exit code): the caller stops for good (it is destroyed).</summary>
    Exit = 25,

    /// <summary>(task or ~0 for the caller): rdi = the task's id (object index | generation &lt;&lt; 32), the name grants use.</summary>
    TaskId = 26,

    /// <summary>(frame, task, virtual address, rights, untyped for page tables or ~0).</summary>
    FrameMap = 27,

    /// <summary>(frame): remove the mapping this frame capability made.</summary>
    FrameUnmap = 28,

    /// <summary>(grantee task id, address, length, access): rdi = grant handle (index | generation &lt;&lt; 32).</summary>
    GrantCreate = 29,

    /// <summary>(grantee task id, granter task id, grant handle, offset, length, access): re-delegate a grant held; rdi = handle.</summary>
    GrantCreateIndirect = 30,

    /// <summary>(grant handle): revoke; the handle never verifies again.</summary>
    GrantRevoke = 31,

    /// <summary>(granter task id, grant handle, offset, local address, length): copy from the grant into the caller.</summary>
    SafeCopyFrom = 32,

    /// <summary>(granter task id, grant handle, offset, local address, length): copy from the caller into the grant.</summary>
    SafeCopyTo = 33,

    /// <summary>(console, address, length): write bytes to the console.</summary>
    ConsoleWrite = 34,

    /// <summary>(cnode, index): rdi = object type, rsi = rights, rdx = badge of the capability there (type 0 when empty).</summary>
    CapIdentify = 35,
}
