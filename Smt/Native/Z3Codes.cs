namespace Verified.Smt.Native;

/// <summary>Z3_lbool.</summary>
internal enum Z3LBool
{
    False = -1,
    Undefined = 0,
    True = 1,
}

/// <summary>Z3_ast_kind.</summary>
internal enum Z3AstKind
{
    Numeral = 0,
    App = 1,
    Var = 2,
    Quantifier = 3,
    Sort = 4,
    FuncDecl = 5,
    Unknown = 1000,
}

/// <summary>Z3_symbol_kind.</summary>
internal enum Z3SymbolKind
{
    Int = 0,
    String = 1,
}

/// <summary>Which <c>*_dec_ref</c> releases a native object (each family has its own counter).</summary>
internal enum NativeRefKind
{
    Ast,
    Solver,
    Model,
    Params,
    ParamDescrs,
    Stats,
    AstVector,
}
