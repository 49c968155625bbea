using Verified.Trace;

namespace Verified.Proofs;

/// <summary>
/// What an obligation's second search found after Z3 answered unknown on its query (see
/// <see cref="ProofObligation.SearchAfterUnknown"/>). Closed: these three cases. For an
/// UNSAT-expected obligation only <see cref="Found"/> changes the result (to a counterexample):
/// a second search never proves it. For an ExpectSat obligation only <see cref="Satisfied"/> does.
/// </summary>
public abstract record SecondSearchResult
{
    private SecondSearchResult()
    {
    }

    /// <summary>A counterexample the obligation has confirmed (e.g. a bounded model re-checked at full width).</summary>
    public sealed record Found(TraceDocument Trace) : SecondSearchResult;

    /// <summary>For an ExpectSat obligation: a model the obligation has confirmed; what it shows.</summary>
    public sealed record Satisfied(string Text) : SecondSearchResult;

    /// <summary>Nothing confirmed; why. The obligation stays unknown.</summary>
    public sealed record Inconclusive(string Reason) : SecondSearchResult;
}

/// <summary>
/// Whether the model of an <see cref="ProofObligation.ExpectSat"/> obligation is accepted as its
/// witness (see <see cref="ProofObligation.JudgeWitness"/>). Closed: these two cases.
/// </summary>
public abstract record WitnessVerdict
{
    private WitnessVerdict()
    {
    }

    /// <summary>Accepted; <paramref name="Text"/> is what the model shows, for the report.</summary>
    public sealed record Accepted(string? Text) : WitnessVerdict;

    /// <summary>Not accepted (e.g. a bounded model that does not hold at full width); the obligation is unknown.</summary>
    public sealed record Rejected(string Reason) : WitnessVerdict;
}
