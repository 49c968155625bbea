using Verified.Kernel.Abi;

namespace Verified.Proofs.Refinement;

/// <summary>
/// The documented places where the kernel deliberately differs from the spec (docs/REFINEMENT.md,
/// "Divergences"). A step that matches one is reported as a divergence with its code — never
/// passed silently — and its post-state is still checked against every invariant. Each rule is
/// narrow: the operation, the spec's error and the kernel's status must all match.
/// </summary>
public static class Divergences
{
    /// <summary>
    /// The divergence a step is, or null. <paramref name="unchanged"/>: the kernel's abstract state did not change.
    /// <paramref name="kernelRefusal"/>: the documented reason the pre-state gives the kernel to refuse a mint or
    /// mutate (<see cref="SpecCall.Single.KernelRefusal"/>); D3 needs one — any other InvalidArgument is a violation.
    /// </summary>
    public static string? Classify(string operation, string specError, KernelError status, bool unchanged, string? kernelRefusal)
    {
        // D1 (delete/mutate of a capability with descendants) is retired: the kernel now refuses both (findings F1, F3).
        // D4 (a preempted revoke's intermediate state) is retired: the kernel now deletes leaves first, so every intermediate state is a sequence of cap.revoke_step (finding F7).
        // D2 (a delete the kernel cascades where the spec refuses) is judged on its own: RefinementChecker.JudgeCascade.
        if (status == KernelError.InvalidArgument && specError == "Ok" && unchanged && operation is "cap.mint" or "cap.mutate" && kernelRefusal is not null)
            return $"D3 {kernelRefusal}: the kernel refuses (InvalidArgument); the spec has no capability types";
        return null;
    }

    /// <summary>
    /// D5: the step finalised a task or grant table (ObjAlive true → false) and the states differ
    /// only in grant fields: the kernel detaches the dead task's grant table so its grants vanish;
    /// the spec's finalisation leaves the grants of a dead owner in place. Every grant entry that
    /// differs must belong to such an owner: a task that died in the step, or, when a grant table
    /// died, the task that table was bound to before the step (<paramref name="ownersOfDeadTables"/>,
    /// asked only then) — a change to any other task's grant is not D5.
    /// </summary>
    public static string? ClassifyStateDifference(Spec.Kernel.ConcreteState pre, Spec.Kernel.ConcreteState expected, Spec.Kernel.ConcreteState actual, Func<IReadOnlySet<ulong>> ownersOfDeadTables)
    {
        ArgumentNullException.ThrowIfNull(pre);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var differences = new List<StateDifference>();
        foreach (var field in expected.DifferingFields(actual))
        {
            if (!field.StartsWith("Gr", StringComparison.Ordinal)) return null;
            differences.Add(StateDifference.Of(field, expected.Map(field), actual.Map(field)));
        }

        return ClassifyDifferences(pre, expected, actual, differences, pre.Map("ObjAlive").Entries.Keys, ownersOfDeadTables);
    }

    /// <summary>
    /// One field where two states differ: the keys where they differ (every one), or null when the
    /// field's defaults differ (no finite set of keys says where).
    /// </summary>
    internal sealed record StateDifference(string Field, IReadOnlyCollection<Spec.Value>? Keys)
    {
        /// <summary>By reading every entry of both maps.</summary>
        public static StateDifference Of(string field, Spec.MapValue e, Spec.MapValue a)
        {
            if (!e.Default.Equals(a.Default)) return new(field, null);
            var keys = new HashSet<Spec.Value>();
            foreach (var key in e.Entries.Keys.Concat(a.Entries.Keys))
                if (!e.Select(key).Equals(a.Select(key))) keys.Add(key);
            return new(field, keys);
        }
    }

    /// <summary>
    /// D5 as <see cref="ClassifyStateDifference"/>, given where the states differ: every field in
    /// which <paramref name="expected"/> and <paramref name="actual"/> differ with every key where
    /// they do (<paramref name="differences"/>), and ObjAlive keys among which are all where
    /// <paramref name="expected"/> differs from <paramref name="pre"/> (<paramref name="aliveCandidates"/>:
    /// the objects that may have died). <paramref name="plantOwnersOnly"/>: the checker's planted wrong
    /// version (ShortcutFaults.D5LooksAtOwnersOnly), which ignores differing entries of other owners.
    /// </summary>
    internal static string? ClassifyDifferences(Spec.Kernel.ConcreteState pre, Spec.Kernel.ConcreteState expected, Spec.Kernel.ConcreteState actual, IReadOnlyList<StateDifference> differences,
        IEnumerable<Spec.Value> aliveCandidates, Func<IReadOnlySet<ulong>> ownersOfDeadTables, bool plantOwnersOnly = false)
    {
        ArgumentNullException.ThrowIfNull(ownersOfDeadTables);
        if (differences.Count == 0) return null;
        foreach (var d in differences)
            if (!d.Field.StartsWith("Gr", StringComparison.Ordinal) || d.Keys is null) return null;
        var before = pre.Map("ObjAlive");
        var after = expected.Map("ObjAlive");
        var type = pre.Map("ObjType");
        var owners = new HashSet<ulong>();
        var tableDied = false;
        foreach (var o in aliveCandidates)
        {
            if (before.Select(o) is not Spec.BoolValue { Value: true } || after.Select(o) is not Spec.BoolValue { Value: false }) continue;
            var member = ((Spec.EnumValue)type.Select(o)).Member;
            if (member == "Task") owners.Add(((Spec.BitVecValue)o).Bits);
            else if (member == "GrantTable") tableDied = true;
        }

        if (tableDied) owners.UnionWith(ownersOfDeadTables());
        if (owners.Count == 0) return null;
        var indexBits = RefinementSpec.Config.GrantIndexBits;
        bool OfOwner(Spec.Value key) => owners.Contains(((Spec.BitVecValue)key).Bits >> indexBits);
        foreach (var d in differences)
        {
            foreach (var key in d.Keys!)
            {
                if (!OfOwner(key) && !plantOwnersOnly && !RevokedAsDerived(expected, actual, key, OfOwner)) return null;
            }
        }

        return "D5 a finalised task's or grant table's grants: the kernel detaches the table (they vanish) and revokes the grants re-delegated from it (finding F8); the spec keeps grants of a dead owner";
    }

    /// <summary>
    /// Finding F8: another owner's grant may differ only as the kernel's revoke of a grant re-delegated
    /// from a detached table (D5): in the spec valid, indirect,
    /// its source of a detached owner; in the kernel freed with the generation bumped and the old one
    /// recorded revoked, exactly as grant.revoke.
    /// </summary>
    private static bool RevokedAsDerived(Spec.Kernel.ConcreteState expected, Spec.Kernel.ConcreteState actual, Spec.Value key, Func<Spec.Value, bool> ofOwner)
    {
        static bool True(Spec.Kernel.ConcreteState s, string f, Spec.Value k) => s.Map(f).Select(k) is Spec.BoolValue { Value: true };
        if (!True(expected, "GrValid", key) || !True(expected, "GrIndirect", key) || !ofOwner(expected.Map("GrSrc").Select(key)) || True(actual, "GrValid", key)) return false;
        var gen = (Spec.BitVecValue)expected.Map("GrGen").Select(key);
        var revoked = ((Spec.MapValue)expected.Map("GrRevoked").Select(key)).Store(gen, Spec.BoolValue.True);
        return actual.Map("GrGen").Select(key).Equals(new Spec.BitVecValue(gen.Width, (gen.Bits + 1) & RefinementSpec.Sorts.GrantGen.Mask))
            && actual.Map("GrRevoked").Select(key).Equals(revoked);
    }

    /// <summary>
    /// D10: what configure's rebinding does to the grants, applied to task.configure's post-state
    /// <paramref name="expected"/>. The kernel reads a task's grants through its bound table, so
    /// every grant keyed by <paramref name="task"/> is replaced by <paramref name="bound"/>'s (the new
    /// table's entries in the kernel pre-state read as the task's; null: no table, so none); and when
    /// the task lost a table (<paramref name="revokesDerived"/>) every grant re-delegated from the
    /// task — valid, indirect, its source keyed by the task, in any table including the new one — is
    /// revoked as by grant.revoke (finding F8). The result is normalised (<paramref name="expected"/> must be
    /// canonical already); the kernel must equal it.
    /// </summary>
    public static Spec.Kernel.ConcreteState Rebound(Spec.Kernel.ConcreteState expected, ulong task, Spec.Kernel.ConcreteState? bound, bool revokesDerived)
    {
        var indexBits = RefinementSpec.Config.GrantIndexBits;
        bool OfTask(Spec.Value key) => ((Spec.BitVecValue)key).Bits >> indexBits == task;
        var state = expected;
        foreach (var field in GrantFields)
        {
            var m = state.Map(field);
            // A field with no entry of the task and none to bring in is kept as it is (the same map).
            if ((bound is null || bound.Map(field).Entries.IsEmpty) && !m.Entries.Keys.Any(OfTask)) continue;
            var entries = m.Entries.Where(e => !OfTask(e.Key));
            if (bound is not null) entries = entries.Concat(bound.Map(field).Entries);
            state = state.With(field, Spec.MapValue.Create(m.MapSort, m.Default, entries));
        }

        if (revokesDerived)
        {
            var valid = state.Map("GrValid");
            var indirect = state.Map("GrIndirect");
            var src = state.Map("GrSrc");
            foreach (var key in valid.Entries.Keys.ToList())
            {
                if (valid.Select(key) is Spec.BoolValue { Value: true } && indirect.Select(key) is Spec.BoolValue { Value: true } && OfTask(src.Select(key)))
                {
                    state = Revoked(state, key);
                }
            }
        }

        // Only grant fields changed: the rest of the canonical expected state is canonical still.
        return Junk.Normalize(state, expected);
    }

    private static readonly string[] GrantFields = [.. Spec.Kernel.KernelState.Fields.Select(f => f.Name).Where(n => n.StartsWith("Gr", StringComparison.Ordinal))];

    // grant.revoke's effect on one entry: freed, the generation bumped, the old one recorded revoked.
    private static Spec.Kernel.ConcreteState Revoked(Spec.Kernel.ConcreteState s, Spec.Value key)
    {
        var gen = (Spec.BitVecValue)s.Map("GrGen").Select(key);
        var revoked = ((Spec.MapValue)s.Map("GrRevoked").Select(key)).Store(gen, Spec.BoolValue.True);
        return s.With("GrValid", s.Map("GrValid").Store(key, Spec.BoolValue.False))
            .With("GrGen", s.Map("GrGen").Store(key, new Spec.BitVecValue(gen.Width, (gen.Bits + 1) & RefinementSpec.Sorts.GrantGen.Mask)))
            .With("GrRevoked", s.Map("GrRevoked").Store(key, revoked));
    }

    public const string DeleteCascades = "D2 deleting the last capability to a non-empty CNode or an untyped with children: the kernel finalises it and cascades; the spec refuses. Required: exactly the kernel's cascade (Cascade.Expected)";

    public const string NoRoomAtReceiver = "D6 capability transfer to a receiver that named no free receive slot: the kernel delivers the message without the capability (seL4); ipc.transfer refuses";

    public const string RetypeAlignment = "D7 retype aligns each object to its size: the kernel moves the watermark up to the alignment first (the gap stays unused); cap.retype places the object at the watermark";

    public const string IndirectWholeChain = "D8 indirect grant creation: the kernel verifies the source's whole chain (as a safecopy through it would) and refuses a broken one; grant.create_indirect checks the source link only";

    public const string ResumeWithoutFaultEndpoint = "D9 resume of a task without a live fault endpoint (the kernel runs it; a fault then stops it), or of a running task (a no-op): task.create needs an inactive task and a live endpoint";

    public const string GrantTableRebound = "D10 configure gives the task another grant table (or none): the abstraction keys grants by their owner task, so the task's grants become the new table's; the spec has no operation that swaps a task's grant table. Required: task.configure's post-state with the task's grants replaced by the new table's entries as they were before the step (none without a table) and, when the task had a table, every grant re-delegated from the task revoked (finding F8); nothing else differs";

    public const string FaultedTask = "D12 a fault: task.crash makes the task Faulted; the abstraction records a task only as inactive or not, so the faulting task reads Runnable when the kernel sent the fault message (the task waits on its fault endpoint for the handler's reply) and Inactive when it stopped the task (no live fault endpoint of the recorded generation). Required: the kernel sent the message exactly when task.crash's result delivered is true, and the post-state is task.crash's with the task Runnable (delivered) or Inactive (not delivered; its fault endpoint then reads as junk), after one cap.delete of a capability the stopped task had queued in IPC; nothing else differs";

    /// <summary>
    /// D12: task.crash's post-state <paramref name="expected"/> (canonical) as the abstraction can
    /// show it: the task's Faulted state read as Runnable when the fault was delivered (the kernel's
    /// task waits on its fault endpoint) and as Inactive when not (the kernel stopped it). Only the
    /// task's TaskState entry is rewritten; normalising drops an inactive task's fault endpoint,
    /// which the abstraction reads for running tasks only. Throws if the task is not Faulted in
    /// <paramref name="expected"/> (the rule reads only a task.crash result).
    /// </summary>
    public static Spec.Kernel.ConcreteState FaultedAs(Spec.Kernel.ConcreteState expected, Spec.Value task, bool delivered)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(task);
        var states = expected.Map("TaskState");
        if (states.Select(task) is not Spec.EnumValue { Member: "Faulted" })
            throw new InvalidOperationException($"Divergences.FaultedAs: task {task} is not Faulted in the expected state; D12 rewrites task.crash's result only");
        var shown = new Spec.EnumValue(Spec.Kernel.KernelSorts.TaskState, delivered ? "Runnable" : "Inactive");
        return Junk.Normalize(expected.With("TaskState", states.Store(task, shown)), expected);
    }

    public const string PageTablesFromUntyped = "D11 frame map takes its page-table pages from the untyped the caller named: the untyped's watermark rises; the spec has no address spaces. Required: nothing else changes, the watermark only rises and stays within the untyped's region";
}
