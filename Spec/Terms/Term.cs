using System.Collections.Immutable;

namespace Verified.Spec;

/// <summary>
/// A typed, immutable specification term. Built only through <see cref="T"/>, which checks sorts,
/// so every term that exists is well typed. Terms compare structurally: the hash is computed once
/// at construction from the children's cached hashes, and equality walks both terms with an
/// explicit stack (no recursion), stopping early at shared subterms and at hash mismatches.
/// These are classes rather than records because record equality would recurse and recompute.
/// </summary>
public abstract class Term : IEquatable<Term>
{
    private readonly int _hash;

    private protected Term(Sort sort, int localHash, ImmutableArray<Term> children)
    {
        Sort = sort;
        Children = children;
        var h = new HashCode();
        h.Add(GetType());
        h.Add(localHash);
        h.Add(sort);
        foreach (var c in children) h.Add(c._hash);
        _hash = h.ToHashCode();
    }

    public Sort Sort { get; }

    /// <summary>The direct subterms, in a fixed order per node kind (see each node).</summary>
    public ImmutableArray<Term> Children { get; }

    /// <summary>Compares what is local to the node (operator, parameters, names), not the children.</summary>
    private protected abstract bool LocalEquals(Term other);

    public sealed override int GetHashCode() => _hash;

    public sealed override bool Equals(object? obj) => obj is Term t && Equals(t);

    public bool Equals(Term? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || _hash != other._hash) return false;
        var stack = new Stack<(Term A, Term B)>();
        stack.Push((this, other));
        while (stack.Count > 0)
        {
            var (a, b) = stack.Pop();
            if (ReferenceEquals(a, b)) continue;
            if (a._hash != b._hash || a.GetType() != b.GetType() || a.Children.Length != b.Children.Length) return false;
            if (!a.Sort.Equals(b.Sort) || !a.LocalEquals(b)) return false;
            for (int i = 0; i < a.Children.Length; i++) stack.Push((a.Children[i], b.Children[i]));
        }
        return true;
    }

    public static bool operator ==(Term? a, Term? b) => a is null ? b is null : a.Equals(b);

    public static bool operator !=(Term? a, Term? b) => !(a == b);

    /// <summary>An SMT-LIB-like rendering, for messages and counterexamples.</summary>
    public override string ToString() => TermPrinter.Print(this);
}
