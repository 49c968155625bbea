namespace Verified.Smt;

/// <summary>An enumeration sort: finitely many distinct named constants.</summary>
public sealed class EnumSort : Sort
{
    private readonly FuncDecl[] constants;
    private readonly FuncDecl[] testers;

    internal EnumSort(Context context, nint handle, nint[] constants, nint[] testers)
        : base(context, handle)
    {
        this.constants = Array.ConvertAll(constants, c => new FuncDecl(context, context.Checked(c)));
        this.testers = Array.ConvertAll(testers, t => new FuncDecl(context, context.Checked(t)));
        Names = Array.ConvertAll(this.constants, c => c.Name);
    }

    /// <summary>The constants' names, in declaration order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The constant declarations, in declaration order.</summary>
    public IReadOnlyList<FuncDecl> ConstantDecls => constants;

    /// <summary>The constant at <paramref name="index"/> as a term.</summary>
    public Term Constant(int index) => Context.Apply(constants[index]);

    /// <summary>The constant named <paramref name="name"/> as a term.</summary>
    public Term Constant(string name)
    {
        for (var i = 0; i < constants.Length; i++)
        {
            if (Names[i] == name)
            {
                return Constant(i);
            }
        }

        throw new ArgumentException($"Enumeration sort {Name} has no constant '{name}' (it has {string.Join(", ", Names)}).", nameof(name));
    }

    /// <summary>The Boolean term "<paramref name="value"/> is the constant at <paramref name="index"/>".</summary>
    public Term Is(int index, Term value) => Context.Apply(testers[index], value);

    private protected override void DisposeParts()
    {
        foreach (var decl in constants)
        {
            decl.Dispose();
        }

        foreach (var decl in testers)
        {
            decl.Dispose();
        }
    }
}
