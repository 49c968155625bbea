using System.Collections.Immutable;

namespace Verified.Spec.Kernel;

/// <summary>Task life cycle: a task object (from retype) is started with a fault endpoint, may fault, and is destroyed.</summary>
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

    public static ImmutableArray<Operation> All { get; } = [Create, Crash, Destroy];
}
