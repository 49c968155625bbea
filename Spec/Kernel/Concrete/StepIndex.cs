namespace Verified.Spec.Kernel;

/// <summary>
/// The ids of one state's entries grouped for a narrowed quantifier (<see cref="StepNarrowing"/>),
/// for the state <see cref="At"/>. Mutable: moved from a state to the next at the keys where the
/// fields it reads (<see cref="Fields"/>) changed, so a step costs those keys, not the state's size.
/// </summary>
internal abstract class StepIndex
{
    // Lists, not sets: most groups hold one or two ids and live across many steps (a set per group
    // made the indexes several times larger); a removal scans its group.
    private readonly Dictionary<Value, List<Value>> groups = [];
    private readonly List<Value> scratch = [];

    /// <summary>Whether a quantifier asked for these groups once (then they are kept describing the checker's pre-state).</summary>
    public bool Wanted { get; set; }

    /// <summary>The state these groups describe (null: none).</summary>
    public ConcreteState? At { get; private set; }

    /// <summary>The state fields the groups are computed from: a key's groups change only where one of them changed.</summary>
    public abstract int[] Fields { get; }

    /// <summary>The groups of key <paramref name="k"/> in <paramref name="s"/> (added to <paramref name="into"/>).</summary>
    protected abstract void GroupsOf(ConcreteState s, Value k, List<Value> into);

    /// <summary>Every key that is in some group in <paramref name="s"/> (a superset will do).</summary>
    protected abstract IEnumerable<Value> Keys(ConcreteState s);

    /// <summary>Whether every id of a group is an entry this index reads in <paramref name="s"/> (else the narrowing does not apply there).</summary>
    protected abstract bool Usable(ConcreteState s);

    protected abstract StepIndex Empty();

    public abstract string Describe();

    /// <summary>Called for each key joined to its groups in <paramref name="s"/> (on a rebuild and for each moved key).</summary>
    protected virtual void Observe(ConcreteState s, Value k)
    {
    }

    protected virtual void Reset()
    {
    }

    public void Rebuild(ConcreteState s)
    {
        groups.Clear();
        Reset();
        foreach (var k in Keys(s)) Join(s, k);
        At = s;
    }

    /// <summary>From <see cref="At"/> = <paramref name="from"/> to <paramref name="to"/>, whose fields this reads differ from <paramref name="from"/>'s at most at <paramref name="keys"/>.</summary>
    public void Move(ConcreteState from, ConcreteState to, IEnumerable<Value> keys)
    {
        if (!ReferenceEquals(At, from)) throw new InvalidOperationException("StepIndex: moved from a state it does not describe");
        var fields = Fields;
        foreach (var k in keys)
        {
            // A key's groups are a function of the fields this reads at that key alone (GroupsOf's
            // contract): where each is the same value in both states (a key listed as written with
            // the value it had, as cap.delete's ObjAlive and TaskState of an object that stays),
            // its groups are too.
            if (SameAt(from, to, fields, k)) continue;
            scratch.Clear();
            GroupsOf(from, k, scratch);
            foreach (var g in scratch)
            {
                if (groups.TryGetValue(g, out var members) && members.Remove(k) && members.Count == 0) groups.Remove(g);
            }

            Join(to, k);
        }

        At = to;
    }

    private static bool SameAt(ConcreteState from, ConcreteState to, int[] fields, Value k)
    {
        foreach (var f in fields)
        {
            var a = from[f];
            var b = to[f];
            if (ReferenceEquals(a, b)) continue;
            if (a is not MapValue ma || b is not MapValue mb) return false;
            var x = ma.Select(k);
            var y = mb.Select(k);
            if (!ReferenceEquals(x, y) && !x.Equals(y)) return false;
        }

        return true;
    }

    /// <summary>Planted fault: the groups stay as they are, said to describe <paramref name="to"/>.</summary>
    public void Relabel(ConcreteState to) => At = to;

    public void Forget()
    {
        groups.Clear();
        Reset();
        At = null;
    }

    /// <summary>The ids of group <paramref name="t"/> in <paramref name="s"/> (= <see cref="At"/>); null when the narrowing does not apply in s.</summary>
    public IReadOnlyCollection<Value>? Group(ConcreteState s, Value t) => !Usable(s) ? null : groups.TryGetValue(t, out var g) ? g : [];

    /// <summary>The groups built afresh from <paramref name="s"/> (for the cross-check).</summary>
    public StepIndex Fresh(ConcreteState s)
    {
        var other = Empty();
        other.Rebuild(s);
        return other;
    }

    public bool SameGroups(StepIndex other) =>
        groups.Count == other.groups.Count && groups.All(g => other.groups.TryGetValue(g.Key, out var o) && o.ToHashSet().SetEquals(g.Value));

    private void Join(ConcreteState s, Value k)
    {
        Observe(s, k);
        scratch.Clear();
        GroupsOf(s, k, scratch);
        foreach (var g in scratch)
        {
            // A key joins each of its groups once: a move takes it out of its old groups first, and a
            // key's groups are distinct (one value, or an inner map's distinct keys).
            if (!groups.TryGetValue(g, out var members)) groups[g] = members = new List<Value>(2);
            members.Add(k);
        }
    }

    private static bool True(Value v) => v is BoolValue { Value: true };

    /// <summary>The entries x of a Boolean field M (default false) grouped by e(x), e reading the state only at x.</summary>
    public sealed class GroupedIndex(int member, int[] fields, PointProgram e) : StepIndex
    {
        private readonly Value[] one = new Value[1];

        public override int[] Fields => fields;

        protected override void GroupsOf(ConcreteState s, Value k, List<Value> into)
        {
            if (!True(s.Map(member).Select(k))) return;
            e.Bind(s, null);
            one[0] = k;
            into.Add(e.Run(one));
        }

        protected override IEnumerable<Value> Keys(ConcreteState s) => s.Map(member).Entries.Keys;

        protected override bool Usable(ConcreteState s) => s.Map(member).Default is BoolValue { Value: false };

        protected override StepIndex Empty() => new GroupedIndex(member, fields, e);

        public override string Describe() => $"the entries of {KernelState.Fields[member].Name} grouped by a function of {string.Join(", ", fields.Select(f => KernelState.Fields[f].Name))}";
    }

    /// <summary>The entries x of a field F of Boolean maps, grouped by each key t at which F[x] holds true.</summary>
    public sealed class InnerIndex(int mapField) : StepIndex
    {
        // Entries whose inner map has another default than false: their groups would be every other key.
        private readonly HashSet<Value> irregular = [];

        private readonly int[] fields = [mapField];

        public override int[] Fields => fields;

        protected override void GroupsOf(ConcreteState s, Value k, List<Value> into)
        {
            var inner = (MapValue)s.Map(mapField).Select(k);
            foreach (var (t, v) in inner.Entries)
                if (True(v)) into.Add(t);
        }

        protected override IEnumerable<Value> Keys(ConcreteState s) => s.Map(mapField).Entries.Keys;

        protected override void Observe(ConcreteState s, Value k)
        {
            if (((MapValue)s.Map(mapField).Select(k)).Default is BoolValue { Value: false }) irregular.Remove(k);
            else irregular.Add(k);
        }

        protected override void Reset() => irregular.Clear();

        protected override bool Usable(ConcreteState s) =>
            s.Map(mapField).Default is MapValue { Default: BoolValue { Value: false }, EntryCount: 0 } && irregular.Count == 0;

        protected override StepIndex Empty() => new InnerIndex(mapField);

        public override string Describe() => $"the entries of {KernelState.Fields[mapField].Name} grouped by the keys their inner maps hold";
    }
}
