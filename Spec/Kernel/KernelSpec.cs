using System.Collections.Immutable;

namespace Verified.Spec.Kernel;

/// <summary>
/// The kernel specification as a value: widths, the operations, the invariants and the initial
/// state. Proof catalogues are built from a spec, so a test can build one whose operation is a
/// mutant (<see cref="WithOperation"/>) — there is no global switch in production code.
/// </summary>
public sealed class KernelSpec
{
    public const ulong RootCNode = 1, RootUntyped = 2, RootCNodeCap = 0, RootUntypedCap = 1;

    private KernelSpec(KernelConfig config, ImmutableArray<Operation> operations, ImmutableArray<Invariant> invariants, Func<Quantify>? quantify = null)
    {
        this.quantify = quantify ?? Quantify.Unbounded;
        Config = config.Validate();
        Sorts = new KernelSorts(config);
        Operations = operations;
        Invariants = invariants;
    }

    public static KernelSpec Default { get; } = Create(KernelConfig.Default);

    public static KernelSpec Create(KernelConfig config) => new(config,
        [.. CapOps.All, .. GrantOps.All, .. TaskOps.All, .. ServiceOps.All],
        [.. CapInvariants.All, .. OtherInvariants.All]);

    private readonly Func<Quantify> quantify;

    public KernelConfig Config { get; }

    public KernelSorts Sorts { get; }

    public ImmutableArray<Operation> Operations { get; }

    public ImmutableArray<Invariant> Invariants { get; }

    public Operation Operation(string name) => Operations.FirstOrDefault(o => o.Name == name)
        ?? throw new ArgumentException($"KernelSpec: no operation '{name}' (have: {string.Join(", ", Operations.Select(o => o.Name))})", nameof(name));

    public Invariant Invariant(string name) => Invariants.FirstOrDefault(i => i.Name == name)
        ?? throw new ArgumentException($"KernelSpec: no invariant '{name}' (have: {string.Join(", ", Invariants.Select(i => i.Name))})", nameof(name));

    /// <summary>This spec with the operation of the same name replaced (how tests plant a mutant).</summary>
    public KernelSpec WithOperation(Operation replacement)
    {
        int i = Operations.IndexOf(Operation(replacement.Name));
        return new KernelSpec(Config, Operations.SetItem(i, replacement), Invariants, quantify);
    }

    /// <summary>A spec like this with other widths (e.g. narrow generations).</summary>
    public KernelSpec WithConfig(KernelConfig config) => new(config, Operations, Invariants, quantify);

    /// <summary>
    /// This spec with its quantifiers built by <paramref name="quantify"/> — e.g. over a concrete
    /// witness's ids (<see cref="Quantify.Over"/>) for a vacuity companion.
    /// </summary>
    public KernelSpec WithQuantify(Func<Quantify> quantify) => new(Config, Operations, Invariants, quantify);

    /// <summary>The context proofs build terms in: unbounded quantifiers unless <see cref="WithQuantify"/> said otherwise.</summary>
    public Ctx SymbolicContext() => new(Sorts, quantify());

    /// <summary>
    /// The boot state: root CNode (object 1) holding the capability to itself (slot 0) and to
    /// one untyped (object 2, region [utBase, utBase+utSize)) in slot 1; nothing else alive. The
    /// manifest's dependency relation, core flags and service endpoints are parameters.
    /// </summary>
    public (KernelState State, Term Assumption) Init(Term utBase, Term utSize, Term svcDep, Term svcCore, Term svcEp)
    {
        var k = Sorts;
        Term Const(Sort key, Term v) => T.ConstMap(key, v);
        Term Bv(BitVecSort s, ulong v) => T.Bv(s, v);
        var cn = Bv(k.Obj, RootCNode);
        var ut = Bv(k.Obj, RootUntyped);
        var cap0 = Bv(k.CapId, RootCNodeCap);
        var cap1 = Bv(k.CapId, RootUntypedCap);
        var slot0 = T.Concat(cn, Bv(k.Index, 0));
        var slot1 = T.Concat(cn, Bv(k.Index, 1));
        var gen1 = Bv(k.Gen, 1);
        var state = new KernelState
        {
            ObjType = T.Store(T.Store(Const(k.Obj, T.Enum(KernelSorts.ObjType, "Frame")), cn, T.Enum(KernelSorts.ObjType, "CNode")), ut, T.Enum(KernelSorts.ObjType, "Untyped")),
            ObjAlive = T.Store(T.Store(Const(k.Obj, T.False), cn, T.True), ut, T.True),
            ObjGen = T.Store(T.Store(Const(k.Obj, Bv(k.Gen, 0)), cn, gen1), ut, gen1),
            ObjBase = T.Store(Const(k.Obj, Bv(k.Addr, 0)), ut, utBase),
            ObjSize = T.Store(Const(k.Obj, Bv(k.Addr, 0)), ut, utSize),
            ObjHasUt = Const(k.Obj, T.False),
            ObjUt = Const(k.Obj, Bv(k.Obj, 0)),
            UtFree = T.Store(Const(k.Obj, Bv(k.Addr, 0)), ut, utBase),
            ObjRoot = T.Store(T.Store(Const(k.Obj, cap0), cn, cap0), ut, cap1),
            SlotFull = T.Store(T.Store(Const(k.Slot, T.False), slot0, T.True), slot1, T.True),
            SlotCap = T.Store(T.Store(Const(k.Slot, cap0), slot0, cap0), slot1, cap1),
            CapLive = T.Store(T.Store(Const(k.CapId, T.False), cap0, T.True), cap1, T.True),
            CapObj = T.Store(T.Store(Const(k.CapId, cn), cap0, cn), cap1, ut),
            CapGen = Const(k.CapId, gen1),
            CapRights = Const(k.CapId, Bv(k.Rights, Rights.All)),
            CapBadge = Const(k.CapId, Bv(k.Badge, 0)),
            CapHasParent = Const(k.CapId, T.False),
            CapParent = Const(k.CapId, cap0),
            CapDepth = Const(k.CapId, Bv(k.Depth, 0)),
            CapAnc = Const(k.CapId, Const(k.CapId, T.False)),
            GrValid = Const(k.GrantKey, T.False),
            GrGrantee = Const(k.GrantKey, Bv(k.Obj, 0)),
            GrBase = Const(k.GrantKey, Bv(k.Addr, 0)),
            GrLen = Const(k.GrantKey, Bv(k.Addr, 0)),
            GrAccess = Const(k.GrantKey, Bv(k.Access, 0)),
            GrIndirect = Const(k.GrantKey, T.False),
            GrSrc = Const(k.GrantKey, Bv(k.GrantKey, 0)),
            GrSrcGen = Const(k.GrantKey, Bv(k.GrantGen, 0)),
            GrGen = Const(k.GrantKey, Bv(k.GrantGen, 0)),
            GrDepth = Const(k.GrantKey, Bv(k.GrantDepth, 0)),
            GrRevoked = Const(k.GrantKey, Const(k.GrantGen, T.False)),
            TaskState = Const(k.Obj, T.Enum(KernelSorts.TaskState, "Inactive")),
            TaskFaultEp = Const(k.Obj, Bv(k.Obj, 0)),
            TaskFaultGen = Const(k.Obj, Bv(k.Gen, 0)),
            SvcStatus = Const(k.Service, T.Enum(KernelSorts.ServiceStatus, "Absent")),
            SvcDep = svcDep,
            SvcCore = svcCore,
            SvcEp = svcEp,
            SvcStarts = Const(k.Service, Bv(k.Starts, 0)),
            Halted = T.False,
        };
        return (state, Ctx.NoWrap(utBase, utSize));
    }

    /// <summary>The boot state with symbolic parameters named by <paramref name="prefix"/>.</summary>
    public (KernelState State, Term Assumption) SymbolicInit(string prefix)
    {
        var k = Sorts;
        return Init(T.Var(prefix + "utBase", k.Addr), T.Var(prefix + "utSize", k.Addr),
            T.Var(prefix + "SvcDep", Sort.Map(k.Service, Sort.Map(k.Service, Sort.Bool))),
            T.Var(prefix + "SvcCore", Sort.Map(k.Service, Sort.Bool)),
            T.Var(prefix + "SvcEp", Sort.Map(k.Service, k.Obj)));
    }
}
