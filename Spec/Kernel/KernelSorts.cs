namespace Verified.Spec.Kernel;

/// <summary>The sorts of the abstract kernel state, derived from a <see cref="KernelConfig"/>.</summary>
public sealed class KernelSorts
{
    public KernelSorts(KernelConfig config)
    {
        Config = config.Validate();
        Obj = Sort.BitVec(config.ObjBits);
        Index = Sort.BitVec(config.CNodeIndexBits);
        Slot = Sort.BitVec(config.ObjBits + config.CNodeIndexBits);
        CapId = Sort.BitVec(config.CapIdBits);
        Gen = Sort.BitVec(config.ObjGenBits);
        GrantGen = Sort.BitVec(config.GrantGenBits);
        GrantIndex = Sort.BitVec(config.GrantIndexBits);
        GrantKey = Sort.BitVec(config.ObjBits + config.GrantIndexBits);
        Addr = Sort.BitVec(config.AddrBits);
        Badge = Sort.BitVec(config.BadgeBits);
        Depth = Sort.BitVec(config.DepthBits);
        Service = Sort.BitVec(config.ServiceBits);
    }

    public KernelConfig Config { get; }
    public BitVecSort Obj { get; }
    public BitVecSort Index { get; }
    public BitVecSort Slot { get; }
    public BitVecSort CapId { get; }
    public BitVecSort Gen { get; }
    public BitVecSort GrantGen { get; }
    public BitVecSort GrantIndex { get; }
    public BitVecSort GrantKey { get; }
    public BitVecSort Addr { get; }
    public BitVecSort Badge { get; }
    public BitVecSort Depth { get; }
    public BitVecSort Service { get; }

    /// <summary>Capability rights as a bit set: see <see cref="Rights"/>.</summary>
    public BitVecSort Rights { get; } = Sort.BitVec(4);

    /// <summary>Grant access as a bit set: 1 read, 2 write.</summary>
    public BitVecSort Access { get; } = Sort.BitVec(2);

    /// <summary>Depth of an indirect-grant chain (direct = 0).</summary>
    public BitVecSort GrantDepth { get; } = Sort.BitVec(3);

    /// <summary>How many times a service was started (the no-double-start ghost counter).</summary>
    public BitVecSort Starts { get; } = Sort.BitVec(2);

    public static EnumSort ObjType { get; } = Sort.Enum("ObjType", "Untyped", "Frame", "CNode", "Task", "Endpoint", "Notification", "GrantTable");

    public static EnumSort TaskState { get; } = Sort.Enum("TaskState", "Inactive", "Runnable", "Faulted", "Destroyed");

    public static EnumSort ServiceStatus { get; } = Sort.Enum("ServiceStatus", "Absent", "Starting", "Initialising", "Running", "Crashed", "Restarting", "Dead");

    public BitVecSort SortOf(Role role) => role switch
    {
        Role.Obj => Obj,
        Role.Slot => Slot,
        Role.CNodeIndex => Index,
        Role.CapId => CapId,
        Role.GrantKey => GrantKey,
        Role.GrantGen => GrantGen,
        Role.Service => Service,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "KernelSorts.SortOf: a role with a key sort is needed"),
    };
}

/// <summary>Capability rights bits (seL4's read, write, grant, grant-reply).</summary>
public static class Rights
{
    public const ulong Read = 1, Write = 2, Grant = 4, GrantReply = 8, All = 15;
}

/// <summary>Grant access bits (MINIX 3's CPF_READ, CPF_WRITE).</summary>
public static class Access
{
    public const ulong Read = 1, Write = 2;
}
