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
        var seen = new HashSet<(Term, string)>(); // (subterm, bound-set key) to visit shared subterms once per scope
        Visit(term, [], byName, result, seen);
        return result;
    }

    private static void Visit(Term t, HashSet<VarTerm> bound, Dictionary<string, VarTerm> byName, List<VarTerm> result, HashSet<(Term, string)> seen)
    {
        // Explicit stack of (term, bound names) so deep terms do not overflow the call stack.
        var stack = new Stack<(Term, HashSet<VarTerm>)>();
        stack.Push((t, bound));
        while (stack.Count > 0)
        {
            var (x, b) = stack.Pop();
            string key = string.Join('\u0001', b.Select(v => $"{v.Name}:{v.Sort}").Order(StringComparer.Ordinal));
            if (!seen.Add((x, key))) continue;
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
    }
}
