namespace Verified.Kernel.Abi;

/// <summary>
/// Capability rights. Endpoint: Write = send/call, Read = receive, Grant = transfer capabilities.
/// Frame: Read/Write = the mapping's access. Notification: Write = signal, Read = wait/poll.
/// Task, CNode, Untyped, GrantTable: Write = modify. Rights only shrink along derivation.
/// </summary>
[Flags]
public enum Rights : long
{
    /// <summary>No rights.</summary>
    None = 0,

    /// <summary>Read / receive / wait.</summary>
    Read = 1,

    /// <summary>Write / send / signal / modify.</summary>
    Write = 2,

    /// <summary>Transfer capabilities over IPC.</summary>
    Grant = 4,

    /// <summary>
    /// seL4's grant-reply right, which the spec's rights have (a retyped capability carries all
    /// four). Carried and masked like every right; no kernel check reads it yet (a reply may
    /// transfer a capability when the caller's endpoint capability has <see cref="Grant"/>).
    /// </summary>
    GrantReply = 8,

    /// <summary>Every right.</summary>
    All = Read | Write | Grant | GrantReply,
}

/// <summary>Access bits of a memory grant (MINIX 3 CPF_READ / CPF_WRITE).</summary>
[Flags]
public enum GrantAccess : long
{
    /// <summary>No access.</summary>
    None = 0,

    /// <summary>The grantee may copy from the granted memory.</summary>
    Read = 1,

    /// <summary>The grantee may copy into the granted memory.</summary>
    Write = 2,
}

/// <summary>Fault kinds in the first message register of a fault message.</summary>
public enum FaultKind : long
{
    /// <summary>A page fault; mr1 = address, mr3 = error code.</summary>
    PageFault = 14,

    /// <summary>Invalid opcode.</summary>
    InvalidOpcode = 6,

    /// <summary>General protection.</summary>
    GeneralProtection = 13,

    /// <summary>Division error.</summary>
    DivideError = 0,

    /// <summary>Any other exception vector (mr3 = the vector).</summary>
    OtherException = 255,

    /// <summary>A system call number the kernel does not know (mr1 = the number).</summary>
    UnknownSyscall = 256,
}

/// <summary>Numeric constants of the ABI.</summary>
public static class AbiConstants
{
    /// <summary>The "no capability" cptr.</summary>
    public const ulong NoCap = ulong.MaxValue;

    /// <summary>Bound on the links of an indirect grant chain (MINIX 3 bounds it likewise).</summary>
    public const int MaxGrantChain = 4;

    /// <summary>Most bytes one safecopy or console write moves (bounds the work of one kernel entry).</summary>
    public const ulong MaxCopyLength = 65536;

    /// <summary>Most objects one retype creates.</summary>
    public const int MaxRetypeCount = 256;

    /// <summary>Highest priority (0 is lowest).</summary>
    public const int MaxPriority = 255;

    /// <summary>Bit 0 of the IPC info word (r9): a capability was delivered into the receive slot.</summary>
    public const ulong InfoCapTransferred = 1;

    /// <summary>Bit 1 of the IPC info word: the message is a fault message (reply to resume).</summary>
    public const ulong InfoFault = 2;

    /// <summary>Bit 2 of the IPC info word: the sender used Call (a reply is expected).</summary>
    public const ulong InfoCall = 4;

    /// <summary>Register indexes beyond the 16 general registers.</summary>
    public const int RegRip = 16, RegRflags = 17, RegFsBase = 18, RegGsBase = 19, RegisterCount = 20;

    /// <summary>Fault reply: mr0 = 0 resumes at the saved rip; 1 restarts at rip = mr1, rsp = mr2.</summary>
    public const ulong FaultReplyResume = 0, FaultReplyRestart = 1;

    /// <summary>Root CNode slots the kernel fills at boot (as seL4's seL4_CapInitThread*).</summary>
    public const int SlotRootTask = 1, SlotRootCNode = 2, SlotConsole = 3, SlotBootInfoFrame = 4, SlotFirstBootFrame = 5;

    /// <summary>Where the boot-information page is mapped in the root task (read-only); the root's stack ends just below it.</summary>
    public const ulong BootInfoAddress = 0x0000_7FFF_0000_0000;

    /// <summary>Pages of stack the root task gets, below <see cref="BootInfoAddress"/>.</summary>
    public const int RootStackPages = 16;

    /// <summary>Magic word 0 of the boot-information page ("VBOOTINF").</summary>
    public const ulong BootInfoMagic = 0x464E_4954_4F4F_4256;

    /// <summary>Word indexes of the boot-information page.</summary>
    public const int BiMagic = 0, BiCNodeBits = 1, BiFirstFreeSlot = 2, BiUntypedFirstSlot = 3, BiUntypedCount = 4,
        BiImageFirstSlot = 5, BiImageCount = 6, BiStackFirstSlot = 7, BiStackCount = 8, BiModuleCount = 9,
        BiMemorySize = 10, BiRootTaskId = 11, BiUntypedTable = 12, BiImageTable = 13, BiModuleTable = 14;

    /// <summary>Largest user virtual address + 1 (canonical lower half).</summary>
    public const ulong UserTop = 0x0000_8000_0000_0000;
}
