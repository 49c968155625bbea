using System.Collections.Immutable;

namespace Verified.Spec.Kernel;

/// <summary>
/// The abstract kernel state: a structure of maps over bit-vector ids (Hyperkernel style), each a
/// Spec term. A state is either symbolic (every field a variable, for proofs) or the result of a
/// transition applied to one (fields are terms over the variables). Eval binds the variables to
/// concrete maps. Equality is structural over the terms (Term equality is structural).
/// </summary>
public sealed record KernelState
{
    /// <summary>type of each object</summary>
    public required Term ObjType { get; init; }

    /// <summary>object exists (retyped and not finalised)</summary>
    public required Term ObjAlive { get; init; }

    /// <summary>object generation: bumped on retype and on service restart</summary>
    public required Term ObjGen { get; init; }

    /// <summary>first byte of the object's memory</summary>
    public required Term ObjBase { get; init; }

    /// <summary>bytes of the object's memory</summary>
    public required Term ObjSize { get; init; }

    /// <summary>object was retyped from an untyped</summary>
    public required Term ObjHasUt { get; init; }

    /// <summary>the untyped it was retyped from</summary>
    public required Term ObjUt { get; init; }

    /// <summary>untyped watermark: next free byte</summary>
    public required Term UtFree { get; init; }

    /// <summary>ghost: the original capability of the object's current generation</summary>
    public required Term ObjRoot { get; init; }

    /// <summary>slot holds a capability</summary>
    public required Term SlotFull { get; init; }

    /// <summary>the capability a slot holds</summary>
    public required Term SlotCap { get; init; }

    /// <summary>capability exists</summary>
    public required Term CapLive { get; init; }

    /// <summary>the object it names</summary>
    public required Term CapObj { get; init; }

    /// <summary>the object generation it was made for</summary>
    public required Term CapGen { get; init; }

    /// <summary>rights bit set</summary>
    public required Term CapRights { get; init; }

    /// <summary>badge, 0 = unbadged</summary>
    public required Term CapBadge { get; init; }

    /// <summary>has a parent in the derivation tree</summary>
    public required Term CapHasParent { get; init; }

    /// <summary>derivation-tree parent</summary>
    public required Term CapParent { get; init; }

    /// <summary>ghost: depth in the derivation tree (parent's < child's)</summary>
    public required Term CapDepth { get; init; }

    /// <summary>ghost: CapAnc[c][a] iff a is a proper ancestor of c</summary>
    public required Term CapAnc { get; init; }

    /// <summary>grant in use</summary>
    public required Term GrValid { get; init; }

    /// <summary>the task allowed to use it</summary>
    public required Term GrGrantee { get; init; }

    /// <summary>first byte granted (in the original owner's memory)</summary>
    public required Term GrBase { get; init; }

    /// <summary>bytes granted</summary>
    public required Term GrLen { get; init; }

    /// <summary>access bits</summary>
    public required Term GrAccess { get; init; }

    /// <summary>indirect: re-delegates a grant held</summary>
    public required Term GrIndirect { get; init; }

    /// <summary>source grant of an indirect grant</summary>
    public required Term GrSrc { get; init; }

    /// <summary>source generation seen at creation</summary>
    public required Term GrSrcGen { get; init; }

    /// <summary>grant generation (MINIX sequence number)</summary>
    public required Term GrGen { get; init; }

    /// <summary>links to the direct grant at the chain's root</summary>
    public required Term GrDepth { get; init; }

    /// <summary>ghost: (key, generation) pairs revoked so far</summary>
    public required Term GrRevoked { get; init; }

    /// <summary>task state</summary>
    public required Term TaskState { get; init; }

    /// <summary>fault endpoint</summary>
    public required Term TaskFaultEp { get; init; }

    /// <summary>fault endpoint generation seen</summary>
    public required Term TaskFaultGen { get; init; }

    /// <summary>supervision status</summary>
    public required Term SvcStatus { get; init; }

    /// <summary>SvcDep[s][d]: s depends on d (from the manifest)</summary>
    public required Term SvcDep { get; init; }

    /// <summary>core service: its death stops the system</summary>
    public required Term SvcCore { get; init; }

    /// <summary>the service's endpoint object</summary>
    public required Term SvcEp { get; init; }

    /// <summary>ghost: times started</summary>
    public required Term SvcStarts { get; init; }

    /// <summary>the system stopped (a core service died)</summary>
    public required Term Halted { get; init; }

    /// <summary>Every field, in a fixed order (the order of the trace rendering).</summary>
    public static ImmutableArray<StateField> Fields { get; } =
    [
        new("ObjType", k => Sort.Map(k.Obj, KernelSorts.ObjType), Role.Obj, Role.None, Role.None, s => s.ObjType, (s, t) => s with { ObjType = t }, "type of each object"),
        new("ObjAlive", k => Sort.Map(k.Obj, Sort.Bool), Role.Obj, Role.None, Role.None, s => s.ObjAlive, (s, t) => s with { ObjAlive = t }, "object exists (retyped and not finalised)"),
        new("ObjGen", k => Sort.Map(k.Obj, k.Gen), Role.Obj, Role.None, Role.None, s => s.ObjGen, (s, t) => s with { ObjGen = t }, "object generation: bumped on retype and on service restart"),
        new("ObjBase", k => Sort.Map(k.Obj, k.Addr), Role.Obj, Role.None, Role.None, s => s.ObjBase, (s, t) => s with { ObjBase = t }, "first byte of the object's memory"),
        new("ObjSize", k => Sort.Map(k.Obj, k.Addr), Role.Obj, Role.None, Role.None, s => s.ObjSize, (s, t) => s with { ObjSize = t }, "bytes of the object's memory"),
        new("ObjHasUt", k => Sort.Map(k.Obj, Sort.Bool), Role.Obj, Role.None, Role.None, s => s.ObjHasUt, (s, t) => s with { ObjHasUt = t }, "object was retyped from an untyped"),
        new("ObjUt", k => Sort.Map(k.Obj, k.Obj), Role.Obj, Role.None, Role.Obj, s => s.ObjUt, (s, t) => s with { ObjUt = t }, "the untyped it was retyped from"),
        new("UtFree", k => Sort.Map(k.Obj, k.Addr), Role.Obj, Role.None, Role.None, s => s.UtFree, (s, t) => s with { UtFree = t }, "untyped watermark: next free byte"),
        new("ObjRoot", k => Sort.Map(k.Obj, k.CapId), Role.Obj, Role.None, Role.CapId, s => s.ObjRoot, (s, t) => s with { ObjRoot = t }, "ghost: the original capability of the object's current generation"),
        new("SlotFull", k => Sort.Map(k.Slot, Sort.Bool), Role.Slot, Role.None, Role.None, s => s.SlotFull, (s, t) => s with { SlotFull = t }, "slot holds a capability"),
        new("SlotCap", k => Sort.Map(k.Slot, k.CapId), Role.Slot, Role.None, Role.CapId, s => s.SlotCap, (s, t) => s with { SlotCap = t }, "the capability a slot holds"),
        new("CapLive", k => Sort.Map(k.CapId, Sort.Bool), Role.CapId, Role.None, Role.None, s => s.CapLive, (s, t) => s with { CapLive = t }, "capability exists"),
        new("CapObj", k => Sort.Map(k.CapId, k.Obj), Role.CapId, Role.None, Role.Obj, s => s.CapObj, (s, t) => s with { CapObj = t }, "the object it names"),
        new("CapGen", k => Sort.Map(k.CapId, k.Gen), Role.CapId, Role.None, Role.None, s => s.CapGen, (s, t) => s with { CapGen = t }, "the object generation it was made for"),
        new("CapRights", k => Sort.Map(k.CapId, k.Rights), Role.CapId, Role.None, Role.None, s => s.CapRights, (s, t) => s with { CapRights = t }, "rights bit set"),
        new("CapBadge", k => Sort.Map(k.CapId, k.Badge), Role.CapId, Role.None, Role.None, s => s.CapBadge, (s, t) => s with { CapBadge = t }, "badge, 0 = unbadged"),
        new("CapHasParent", k => Sort.Map(k.CapId, Sort.Bool), Role.CapId, Role.None, Role.None, s => s.CapHasParent, (s, t) => s with { CapHasParent = t }, "has a parent in the derivation tree"),
        new("CapParent", k => Sort.Map(k.CapId, k.CapId), Role.CapId, Role.None, Role.CapId, s => s.CapParent, (s, t) => s with { CapParent = t }, "derivation-tree parent"),
        new("CapDepth", k => Sort.Map(k.CapId, k.Depth), Role.CapId, Role.None, Role.None, s => s.CapDepth, (s, t) => s with { CapDepth = t }, "ghost: depth in the derivation tree (parent's < child's)"),
        new("CapAnc", k => Sort.Map(k.CapId, Sort.Map(k.CapId, Sort.Bool)), Role.CapId, Role.CapId, Role.None, s => s.CapAnc, (s, t) => s with { CapAnc = t }, "ghost: CapAnc[c][a] iff a is a proper ancestor of c"),
        new("GrValid", k => Sort.Map(k.GrantKey, Sort.Bool), Role.GrantKey, Role.None, Role.None, s => s.GrValid, (s, t) => s with { GrValid = t }, "grant in use"),
        new("GrGrantee", k => Sort.Map(k.GrantKey, k.Obj), Role.GrantKey, Role.None, Role.Obj, s => s.GrGrantee, (s, t) => s with { GrGrantee = t }, "the task allowed to use it"),
        new("GrBase", k => Sort.Map(k.GrantKey, k.Addr), Role.GrantKey, Role.None, Role.None, s => s.GrBase, (s, t) => s with { GrBase = t }, "first byte granted (in the original owner's memory)"),
        new("GrLen", k => Sort.Map(k.GrantKey, k.Addr), Role.GrantKey, Role.None, Role.None, s => s.GrLen, (s, t) => s with { GrLen = t }, "bytes granted"),
        new("GrAccess", k => Sort.Map(k.GrantKey, k.Access), Role.GrantKey, Role.None, Role.None, s => s.GrAccess, (s, t) => s with { GrAccess = t }, "access bits"),
        new("GrIndirect", k => Sort.Map(k.GrantKey, Sort.Bool), Role.GrantKey, Role.None, Role.None, s => s.GrIndirect, (s, t) => s with { GrIndirect = t }, "indirect: re-delegates a grant held"),
        new("GrSrc", k => Sort.Map(k.GrantKey, k.GrantKey), Role.GrantKey, Role.None, Role.GrantKey, s => s.GrSrc, (s, t) => s with { GrSrc = t }, "source grant of an indirect grant"),
        new("GrSrcGen", k => Sort.Map(k.GrantKey, k.GrantGen), Role.GrantKey, Role.None, Role.GrantGen, s => s.GrSrcGen, (s, t) => s with { GrSrcGen = t }, "source generation seen at creation"),
        new("GrGen", k => Sort.Map(k.GrantKey, k.GrantGen), Role.GrantKey, Role.None, Role.GrantGen, s => s.GrGen, (s, t) => s with { GrGen = t }, "grant generation (MINIX sequence number)"),
        new("GrDepth", k => Sort.Map(k.GrantKey, k.GrantDepth), Role.GrantKey, Role.None, Role.None, s => s.GrDepth, (s, t) => s with { GrDepth = t }, "links to the direct grant at the chain's root"),
        new("GrRevoked", k => Sort.Map(k.GrantKey, Sort.Map(k.GrantGen, Sort.Bool)), Role.GrantKey, Role.GrantGen, Role.None, s => s.GrRevoked, (s, t) => s with { GrRevoked = t }, "ghost: (key, generation) pairs revoked so far"),
        new("TaskState", k => Sort.Map(k.Obj, KernelSorts.TaskState), Role.Obj, Role.None, Role.None, s => s.TaskState, (s, t) => s with { TaskState = t }, "task state"),
        new("TaskFaultEp", k => Sort.Map(k.Obj, k.Obj), Role.Obj, Role.None, Role.Obj, s => s.TaskFaultEp, (s, t) => s with { TaskFaultEp = t }, "fault endpoint"),
        new("TaskFaultGen", k => Sort.Map(k.Obj, k.Gen), Role.Obj, Role.None, Role.None, s => s.TaskFaultGen, (s, t) => s with { TaskFaultGen = t }, "fault endpoint generation seen"),
        new("SvcStatus", k => Sort.Map(k.Service, KernelSorts.ServiceStatus), Role.Service, Role.None, Role.None, s => s.SvcStatus, (s, t) => s with { SvcStatus = t }, "supervision status"),
        new("SvcDep", k => Sort.Map(k.Service, Sort.Map(k.Service, Sort.Bool)), Role.Service, Role.Service, Role.None, s => s.SvcDep, (s, t) => s with { SvcDep = t }, "SvcDep[s][d]: s depends on d (from the manifest)"),
        new("SvcCore", k => Sort.Map(k.Service, Sort.Bool), Role.Service, Role.None, Role.None, s => s.SvcCore, (s, t) => s with { SvcCore = t }, "core service: its death stops the system"),
        new("SvcEp", k => Sort.Map(k.Service, k.Obj), Role.Service, Role.None, Role.Obj, s => s.SvcEp, (s, t) => s with { SvcEp = t }, "the service's endpoint object"),
        new("SvcStarts", k => Sort.Map(k.Service, k.Starts), Role.Service, Role.None, Role.None, s => s.SvcStarts, (s, t) => s with { SvcStarts = t }, "ghost: times started"),
        new("Halted", k => Sort.Bool, Role.None, Role.None, Role.None, s => s.Halted, (s, t) => s with { Halted = t }, "the system stopped (a core service died)")
    ];

    /// <summary>A state whose every field is built by <paramref name="make"/> (name, sort).</summary>
    public static KernelState Create(KernelSorts k, Func<string, Sort, Term> make) => new()
    {
            ObjType = make("ObjType", Sort.Map(k.Obj, KernelSorts.ObjType)),
            ObjAlive = make("ObjAlive", Sort.Map(k.Obj, Sort.Bool)),
            ObjGen = make("ObjGen", Sort.Map(k.Obj, k.Gen)),
            ObjBase = make("ObjBase", Sort.Map(k.Obj, k.Addr)),
            ObjSize = make("ObjSize", Sort.Map(k.Obj, k.Addr)),
            ObjHasUt = make("ObjHasUt", Sort.Map(k.Obj, Sort.Bool)),
            ObjUt = make("ObjUt", Sort.Map(k.Obj, k.Obj)),
            UtFree = make("UtFree", Sort.Map(k.Obj, k.Addr)),
            ObjRoot = make("ObjRoot", Sort.Map(k.Obj, k.CapId)),
            SlotFull = make("SlotFull", Sort.Map(k.Slot, Sort.Bool)),
            SlotCap = make("SlotCap", Sort.Map(k.Slot, k.CapId)),
            CapLive = make("CapLive", Sort.Map(k.CapId, Sort.Bool)),
            CapObj = make("CapObj", Sort.Map(k.CapId, k.Obj)),
            CapGen = make("CapGen", Sort.Map(k.CapId, k.Gen)),
            CapRights = make("CapRights", Sort.Map(k.CapId, k.Rights)),
            CapBadge = make("CapBadge", Sort.Map(k.CapId, k.Badge)),
            CapHasParent = make("CapHasParent", Sort.Map(k.CapId, Sort.Bool)),
            CapParent = make("CapParent", Sort.Map(k.CapId, k.CapId)),
            CapDepth = make("CapDepth", Sort.Map(k.CapId, k.Depth)),
            CapAnc = make("CapAnc", Sort.Map(k.CapId, Sort.Map(k.CapId, Sort.Bool))),
            GrValid = make("GrValid", Sort.Map(k.GrantKey, Sort.Bool)),
            GrGrantee = make("GrGrantee", Sort.Map(k.GrantKey, k.Obj)),
            GrBase = make("GrBase", Sort.Map(k.GrantKey, k.Addr)),
            GrLen = make("GrLen", Sort.Map(k.GrantKey, k.Addr)),
            GrAccess = make("GrAccess", Sort.Map(k.GrantKey, k.Access)),
            GrIndirect = make("GrIndirect", Sort.Map(k.GrantKey, Sort.Bool)),
            GrSrc = make("GrSrc", Sort.Map(k.GrantKey, k.GrantKey)),
            GrSrcGen = make("GrSrcGen", Sort.Map(k.GrantKey, k.GrantGen)),
            GrGen = make("GrGen", Sort.Map(k.GrantKey, k.GrantGen)),
            GrDepth = make("GrDepth", Sort.Map(k.GrantKey, k.GrantDepth)),
            GrRevoked = make("GrRevoked", Sort.Map(k.GrantKey, Sort.Map(k.GrantGen, Sort.Bool))),
            TaskState = make("TaskState", Sort.Map(k.Obj, KernelSorts.TaskState)),
            TaskFaultEp = make("TaskFaultEp", Sort.Map(k.Obj, k.Obj)),
            TaskFaultGen = make("TaskFaultGen", Sort.Map(k.Obj, k.Gen)),
            SvcStatus = make("SvcStatus", Sort.Map(k.Service, KernelSorts.ServiceStatus)),
            SvcDep = make("SvcDep", Sort.Map(k.Service, Sort.Map(k.Service, Sort.Bool))),
            SvcCore = make("SvcCore", Sort.Map(k.Service, Sort.Bool)),
            SvcEp = make("SvcEp", Sort.Map(k.Service, k.Obj)),
            SvcStarts = make("SvcStarts", Sort.Map(k.Service, k.Starts)),
            Halted = make("Halted", Sort.Bool)
    };

    /// <summary>A fully symbolic state: each field a variable named prefix + field name.</summary>
    public static KernelState Symbolic(KernelSorts k, string prefix) => Create(k, (n, s) => T.Var(prefix + n, s));

    /// <summary>The variables of a symbolic state (throws if a field is not a variable).</summary>
    public IEnumerable<VarTerm> Variables() => Fields.Select(f => f.Get(this) as VarTerm
        ?? throw new InvalidOperationException($"KernelState.Variables: field {f.Name} is not a variable"));

    /// <summary>Field by field: <paramref name="cond"/> ? this : <paramref name="other"/> (shared fields kept as they are).</summary>
    public KernelState IteWith(Term cond, KernelState other)
    {
        var r = this;
        foreach (var f in Fields)
        {
            var a = f.Get(this);
            var b = f.Get(other);
            if (!ReferenceEquals(a, b) && !a.Equals(b)) r = f.Set(r, T.Ite(cond, a, b));
        }
        return r;
    }
}
