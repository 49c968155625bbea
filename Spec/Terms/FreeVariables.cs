using System.Runtime.CompilerServices;

namespace Verified.Spec;

public static class TermExtensions
{
    /// <summary>
    /// The free variables of <paramref name="term"/> in first-occurrence order. Throws when one name
    /// is used free with two sorts, since an <see cref="Assignment"/> binds by name.
    /// </summary>
    public static IReadOnlyList<VarTerm> FreeVariables(this Term term)
    {
        ArgumentNullException.ThrowIfNull(term);
        var result = new List<VarTerm>();
        var byName = new Dictionary<string, VarTerm>(StringComparer.Ordinal);
        // A shared subterm is visited once per scope; identity (not structure) keeps this check O(1).
        var seen = new HashSet<(Term, HashSet<VarTerm>)>(IdentityPairComparer.Instance);
        var stack = new Stack<(Term, HashSet<VarTerm>)>(); // explicit: deep terms must not overflow the call stack
        stack.Push((term, []));
        while (stack.Count > 0)
        {
            var (x, b) = stack.Pop();
            if (x.Children.Length > 0 && !seen.Add((x, b))) continue;
            switch (x)
            {
                case VarTerm v when !b.Contains(v):
                    if (byName.TryGetValue(v.Name, out var prev))
                    {
                        if (!prev.Sort.Equals(v.Sort))
                            throw new SortMismatchException($"free variable '{v.Name}' is used with two sorts, {prev.Sort} and {v.Sort}");
                    }
                    else
                    {
                        byName.Add(v.Name, v);
                        result.Add(v);
                    }
                    break;
                case LetTerm l:
                    stack.Push((l.Body, [.. b, l.Var]));
                    stack.Push((l.Value, b));
                    break;
                case QuantTerm q:
                    var inner = new HashSet<VarTerm>(b);
                    foreach (var v in q.Vars) inner.Add(v);
                    for (int i = q.Children.Length - 1; i >= q.DomainCount; i--) stack.Push((q.Children[i], inner));
                    for (int i = q.DomainCount - 1; i >= 0; i--) stack.Push((q.Children[i], b));
                    break;
                case MapUpdateTerm u:
                    HashSet<VarTerm> kv = [.. b, u.Key, u.Value];
                    stack.Push((u.NewValue, kv));
                    stack.Push((u.Predicate, kv));
                    stack.Push((u.Map, b));
                    break;
                default:
                    for (int i = x.Children.Length - 1; i >= 0; i--) stack.Push((x.Children[i], b));
                    break;
            }
        }
        return result;
    }

    private sealed class IdentityPairComparer : IEqualityComparer<(Term, HashSet<VarTerm>)>
    {
        public static readonly IdentityPairComparer Instance = new();

        public bool Equals((Term, HashSet<VarTerm>) a, (Term, HashSet<VarTerm>) b) =>
            ReferenceEquals(a.Item1, b.Item1) && ReferenceEquals(a.Item2, b.Item2);

        public int GetHashCode((Term, HashSet<VarTerm>) p) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(p.Item1), RuntimeHelpers.GetHashCode(p.Item2));
    }
}
