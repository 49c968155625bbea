namespace Verified.Spec.Kernel;

/// <summary>
/// One component of the abstract state: its name, its sort, the roles of its keys (outer, and
/// inner for a map of maps) and of its values, and how to read and replace it in a
/// <see cref="KernelState"/>. The table of fields lets the proofs, the decoder and Eval treat the
/// state generically (fresh variables, unchanged-on-error, counterexample printing, Eval domains).
/// </summary>
public sealed record StateField(
    string Name,
    Func<KernelSorts, Sort> SortOf,
    Role Key,
    Role InnerKey,
    Role Value,
    Func<KernelState, Term> Get,
    Func<KernelState, Term, KernelState> Set,
    string Description);
