using System.Collections.Immutable;

namespace Verified.Spec.Kernel;

/// <summary>Task life cycle: a task object (from retype) is configured, started with a fault endpoint, may fault or be suspended, and is destroyed.</summary>
public static class TaskOps
{
    private static OpArg Obj(string n) => new(n, k => k.Obj, Role.Obj);

    private static Term State(string m) => T.Enum(KernelSorts.TaskState, m);

    public static Operation Create { get; } = new("task.create",
        "start the inactive task object t with fault endpoint ep (its current generation is recorded)",
        [Obj("t"), Obj("ep")],
        (c, s, a) => Step.Of(s with
            {
                TaskState = T.Store(s.TaskState, a["t"], State("Runnable")),
                TaskFaultEp = T.Store(s.TaskFaultEp, a["t"], a["ep"]),
                TaskFaultGen = T.Store(s.TaskFaultGen, a["t"], Ctx.Sel(s.ObjGen, a["ep"])),
            },
            (T.And(Ctx.Sel(s.ObjAlive, a["t"]), Ctx.Is(Ctx.Sel(s.ObjType, a["t"]), "Task")), "WrongType"),
            (Ctx.Is(Ctx.Sel(s.TaskState, a["t"]), "Inactive"), "InvalidState"),
            (T.And(Ctx.Sel(s.ObjAlive, a["ep"]), Ctx.Is(Ctx.Sel(s.ObjType, a["ep"]), "Endpoint")), "WrongType")));

    /// <summary>A running task faults; the fault is delivered only if its fault endpoint is still of the recorded generation.</summary>
    public static Operation Crash { get; } = new("task.crash",
        "the running task t faults; result delivered says whether its fault endpoint (not stale) gets the message",
        [Obj("t")],
        (c, s, a) =>
        {
            var ep = Ctx.Sel(s.TaskFaultEp, a["t"]);
            return Step.Of(s with { TaskState = T.Store(s.TaskState, a["t"], State("Faulted")) },
                    (Ctx.Is(Ctx.Sel(s.TaskState, a["t"]), "Runnable"), "InvalidState"))
                .WithResult("delivered", T.And(Ctx.Sel(s.ObjAlive, ep), T.Eq(Ctx.Sel(s.ObjGen, ep), Ctx.Sel(s.TaskFaultGen, a["t"]))));
        });

    public static Operation Destroy { get; } = new("task.destroy",
        "stop task t for good (its capabilities are then deleted one by one with cap.delete)",
        [Obj("t")],
        (c, s, a) => Step.Of(s with { TaskState = T.Store(s.TaskState, a["t"], State("Destroyed")) },
            (Ctx.IsAny(Ctx.Sel(s.TaskState, a["t"]), "Inactive", "Runnable", "Faulted"), "InvalidState")));

    /// <summary>
    /// Suspend (the kernel's TaskSuspend): the task leaves every queue and stops; a capability it
    /// had queued in IPC is deleted by a separate cap.delete. Suspending an inactive task is a
    /// no-op that succeeds, as in the kernel. The fault endpoint is kept (resume records it again).
    /// </summary>
    public static Operation Suspend { get; } = new("task.suspend",
        "stop the live task t (runnable, faulted or already inactive): it becomes Inactive",
        [Obj("t")],
        (c, s, a) => Step.Of(s with { TaskState = T.Store(s.TaskState, a["t"], State("Inactive")) },
            (T.And(Ctx.Sel(s.ObjAlive, a["t"]), Ctx.Is(Ctx.Sel(s.ObjType, a["t"]), "Task")), "WrongType"),
            (Ctx.IsAny(Ctx.Sel(s.TaskState, a["t"]), "Inactive", "Runnable", "Faulted"), "InvalidState")));

    /// <summary>
    /// Configure (the kernel's TaskConfigure), its abstract part: the fault endpoint. With
    /// <c>has_ep</c> the task records ep and its current generation; without, no endpoint
    /// (endpoint 0 at generation 0, which no live object has: a fault is never delivered).
    /// The CNode root and the priority are not in the abstract state; a change of grant table is
    /// divergence D10 of the refinement checker (grants are keyed by their owner task).
    /// </summary>
    public static Operation Configure { get; } = new("task.configure",
        "set the fault endpoint of the live task t to ep (current generation) when has_ep, else to none",
        [Obj("t"), Obj("ep"), new OpArg("has_ep", _ => Sort.Bool)],
        (c, s, a) => Step.Of(s with
            {
                TaskFaultEp = T.Store(s.TaskFaultEp, a["t"], T.Ite(a["has_ep"], a["ep"], Ctx.Bv(c.K.Obj, 0))),
                TaskFaultGen = T.Store(s.TaskFaultGen, a["t"], T.Ite(a["has_ep"], Ctx.Sel(s.ObjGen, a["ep"]), Ctx.Bv(c.K.Gen, 0))),
            },
            (T.And(Ctx.Sel(s.ObjAlive, a["t"]), Ctx.Is(Ctx.Sel(s.ObjType, a["t"]), "Task")), "WrongType"),
            (Ctx.IsAny(Ctx.Sel(s.TaskState, a["t"]), "Inactive", "Runnable", "Faulted"), "InvalidState"),
            (T.Implies(a["has_ep"], T.And(Ctx.Sel(s.ObjAlive, a["ep"]), Ctx.Is(Ctx.Sel(s.ObjType, a["ep"]), "Endpoint"))), "WrongType")));

    public static ImmutableArray<Operation> All { get; } = [Create, Crash, Destroy, Suspend, Configure];
}
