using System.Text;

namespace Verified.Spec;

/// <summary>Renders terms as SMT-LIB-like S-expressions for messages and counterexamples.</summary>
internal static class TermPrinter
{
    public static string Print(Term t)
    {
        var sb = new StringBuilder();
        Write(sb, t);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, Term t)
    {
        switch (t)
        {
            case VarTerm v:
                sb.Append(v.Name);
                break;
            case LitTerm l:
                sb.Append(l.Value);
                break;
            case AppTerm a:
                sb.Append('(').Append(Head(a));
                foreach (var c in a.Args) Write(sb.Append(' '), c);
                sb.Append(')');
                break;
            case LetTerm l:
                sb.Append("(let ((").Append(l.Var.Name).Append(' ');
                Write(sb, l.Value);
                sb.Append(")) ");
                Write(sb, l.Body);
                sb.Append(')');
                break;
            case QuantTerm q:
                sb.Append('(').Append(q.Kind == Quantifier.ForAll ? "forall" : "exists").Append(" (");
                sb.AppendJoin(' ', q.Vars.Select(v => $"({v.Name} {v.Sort})")).Append(')');
                if (q.Domain == QuantDomainKind.Values)
                {
                    sb.Append(" in {");
                    bool first = true;
                    foreach (var d in q.DomainTerms) { if (!first) sb.Append(", "); first = false; Write(sb, d); }
                    sb.Append('}');
                }
                else if (q.Domain == QuantDomainKind.Range)
                {
                    Write(sb.Append(" in ["), q.DomainTerms[0]);
                    Write(sb.Append(", "), q.DomainTerms[1]);
                    sb.Append(')');
                }
                Write(sb.Append(' '), q.Body);
                sb.Append(')');
                break;
            case MapUpdateTerm u:
                sb.Append("(update-where ");
                Write(sb, u.Map);
                sb.Append(" (").Append(u.Key.Name).Append(' ').Append(u.Value.Name).Append(") ");
                Write(sb, u.Predicate);
                sb.Append(' ');
                Write(sb, u.NewValue);
                sb.Append(')');
                break;
            default:
                throw new InvalidOperationException($"unknown term node {t.GetType().Name}");
        }
    }

    private static string Head(AppTerm a) => a.Op switch
    {
        Op.Extract => $"(_ extract {a.P0} {a.P1})",
        Op.ZeroExtend => $"(_ zero_extend {a.P0})",
        Op.SignExtend => $"(_ sign_extend {a.P0})",
        Op.Field => $"field:{((RecordSort)a.Args[0].Sort).Fields[a.P0].Name}",
        Op.With => $"with:{((RecordSort)a.Sort).Fields[a.P0].Name}",
        Op.MkRecord => $"mk:{((RecordSort)a.Sort).Name}",
        Op.ConstMap => $"(as const {a.Sort})",
        _ => a.Op.ToString().ToLowerInvariant(),
    };
}
