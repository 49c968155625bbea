using Verified.Spec;

namespace Verified.Proofs.Refinement;

/// <summary>How a checker message names a spec call.</summary>
internal static class SpecCallLabel
{
    /// <summary>
    /// "op(a=…, b=…)" with the arguments in name order: the dictionary's own order follows string
    /// hashes, which differ from process to process, and a counterexample's message must read the
    /// same when its replay runs in another process.
    /// </summary>
    public static string Of(string operation, IReadOnlyDictionary<string, Value> args) =>
        $"{operation}({string.Join(", ", args.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"))})";
}
