namespace Verified.Smt;

/// <summary>The shape of a <see cref="Term"/> (Z3's <c>Z3_ast_kind</c> restricted to terms).</summary>
public enum TermKind
{
    Numeral = 0,

    /// <summary>A constant or an application (true/false, enumeration constants and tuples included).</summary>
    App = 1,

    /// <summary>A de Bruijn bound variable (inside a quantifier body read back from Z3).</summary>
    Var = 2,
    Quantifier = 3,
}
