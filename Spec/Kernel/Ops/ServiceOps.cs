using System.Collections.Immutable;

namespace Verified.Spec.Kernel;

/// <summary>
/// The supervisor's protocol (MINIX 3's reincarnation server): start in dependency order, init,
/// crash, restart with a new endpoint generation (capabilities to the old incarnation are stale),
/// and death (a core service's death, or one with active dependents, stops the system).
/// </summary>
public static class ServiceOps
{
    private static OpArg Svc(string n) => new(n, k => k.Service, Role.Service);

    private static Term Status(string m) => T.Enum(KernelSorts.ServiceStatus, m);

    private static KernelState SetStatus(KernelState s, Term svc, string m) => s with { SvcStatus = T.Store(s.SvcStatus, svc, Status(m)) };

    private static Term AllDeps(Ctx c, KernelState s, Term svc, Func<Term, Term> ok) =>
        c.ForAll(Role.Service, "d", d => T.Implies(Ctx.Sel(s.SvcDep, svc, d), ok(Ctx.Sel(s.SvcStatus, d))), d => [Ctx.Sel(s.SvcDep, svc, d)]);

    public static Operation Start { get; } = new("svc.start",
        "start an absent service whose dependencies are all running",
        [Svc("svc")],
        (c, s, a) =>
        {
            var st = Ctx.Sel(s.SvcStatus, a["svc"]);
            var next = SetStatus(s, a["svc"], "Starting") with
            {
                SvcStarts = T.Store(s.SvcStarts, a["svc"], Ctx.Inc(Ctx.Sel(s.SvcStarts, a["svc"]))),
            };
            return Step.Of(next,
                (Ctx.Is(st, "Absent"), "InvalidState"),
                (AllDeps(c, s, a["svc"], d => Ctx.Is(d, "Running")), "DependencyNotReady"));
        });

    private static Operation Simple(string name, string desc, string[] from, string to) => new(name, desc, [Svc("svc")],
        (c, s, a) => Step.Of(SetStatus(s, a["svc"], to), (Ctx.IsAny(Ctx.Sel(s.SvcStatus, a["svc"]), from), "InvalidState")));

    public static Operation BeginInit { get; } = Simple("svc.begin_init", "the started service's process runs its init", ["Starting"], "Initialising");

    public static Operation InitDone { get; } = Simple("svc.init_done", "the service reports init done (fresh or after restart)", ["Initialising", "Restarting"], "Running");

    public static Operation Crash { get; } = Simple("svc.crash", "the service crashes", ["Starting", "Initialising", "Running", "Restarting"], "Crashed");

    /// <summary>
    /// Restart a crashed service: its endpoint gets a new generation (every capability to the old
    /// one becomes stale) and a fresh original capability to it goes into slot for the supervisor.
    /// </summary>
    public static Operation Restart { get; } = new("svc.restart",
        "restart the crashed service: new endpoint generation, fresh capability in slot, dependencies up or under restart",
        [Svc("svc"), new("slot", k => k.Slot, Role.Slot), new("id", k => k.CapId, Role.CapId)],
        (c, s, a) =>
        {
            var ep = Ctx.Sel(s.SvcEp, a["svc"]);
            var gen = Ctx.Sel(s.ObjGen, ep);
            var newGen = Ctx.Inc(gen);
            var bumped = SetStatus(s, a["svc"], "Restarting") with
            {
                ObjGen = T.Store(s.ObjGen, ep, newGen),
                ObjRoot = T.Store(s.ObjRoot, ep, a["id"]),
            };
            var next = CapUpdates.Insert(c, bumped, a["slot"], a["id"], ep, newGen, Ctx.Bv(c.K.Rights, Rights.All), Ctx.Bv(c.K.Badge, 0), null);
            return new Step([
                (Ctx.Is(Ctx.Sel(s.SvcStatus, a["svc"]), "Crashed"), "InvalidState"),
                (AllDeps(c, s, a["svc"], Ctx.DependencyOk), "DependencyNotReady"),
                (T.And(Ctx.Sel(s.ObjAlive, ep), Ctx.Is(Ctx.Sel(s.ObjType, ep), "Endpoint")), "WrongType"),
                (T.BvUlt(gen, Ctx.Max(c.K.Gen)), "GenerationExhausted"),
                .. CapUpdates.InsertChecks(c, s, a["slot"], a["id"])], next, []);
        });

    /// <summary>Give up on a crashed service; the system halts if it is core or an active service depends on it.</summary>
    public static Operation Die { get; } = new("svc.die",
        "the crashed service is not restarted; a core service or one with active dependents halts the system",
        [Svc("svc")],
        (c, s, a) =>
        {
            var dependents = c.Exists(Role.Service, "x", x =>
                T.And(Ctx.ServiceActive(Ctx.Sel(s.SvcStatus, x)), Ctx.Sel(s.SvcDep, x, a["svc"])));
            var next = SetStatus(s, a["svc"], "Dead") with
            {
                Halted = T.Or(s.Halted, Ctx.Sel(s.SvcCore, a["svc"]), dependents),
            };
            return Step.Of(next, (Ctx.Is(Ctx.Sel(s.SvcStatus, a["svc"]), "Crashed"), "InvalidState"));
        });

    public static ImmutableArray<Operation> All { get; } = [Start, BeginInit, InitDone, Crash, Restart, Die];
}
