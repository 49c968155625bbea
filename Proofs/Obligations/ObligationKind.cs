namespace Verified.Proofs;

/// <summary>What an obligation is about (PROOFS_API.md). Reports group by it.</summary>
public enum ObligationKind
{
    /// <summary>The initial state satisfies an invariant.</summary>
    Init,

    /// <summary>An operation preserves an invariant.</summary>
    Preservation,

    /// <summary>A functional lemma (revoke removes exactly the descendants, ...).</summary>
    Lemma,

    /// <summary>The premises of another obligation are satisfiable (proved when SAT).</summary>
    Vacuity,

    /// <summary>A boot manifest has a boot order respecting its dependencies (proved when SAT).</summary>
    Manifest,

    /// <summary>The solver and the binding answer known queries correctly.</summary>
    SelfCheck,
}
