namespace Verified.Kernel.Abi;

/// <summary>Kernel object types (DESIGN.md "The kernel's model of the world"). 0 means "no object".</summary>
public enum ObjectType : long
{
    /// <summary>An empty slot.</summary>
    None = 0,

    /// <summary>Memory to retype; size 2^bits bytes, bits in [12, 40].</summary>
    Untyped = 1,

    /// <summary>A 4 KiB page.</summary>
    Frame = 2,

    /// <summary>2^bits capability slots, bits in [1, 12].</summary>
    CNode = 3,

    /// <summary>One thread and its address space (the page-table root lives in the task's memory).</summary>
    Task = 4,

    /// <summary>Synchronous IPC rendezvous.</summary>
    Endpoint = 5,

    /// <summary>A word of signal bits.</summary>
    Notification = 6,

    /// <summary>2^bits grant entries, bits in [0, 8]; bound to one task by TaskConfigure.</summary>
    GrantTable = 7,

    /// <summary>The console device (only created at boot).</summary>
    Console = 8,
}
