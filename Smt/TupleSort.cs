namespace Verified.Smt;

/// <summary>A tuple (record) sort: one constructor and one accessor per named field.</summary>
public sealed class TupleSort : Sort
{
    private readonly FuncDecl[] fields;

    internal TupleSort(Context context, nint handle, nint constructor, nint[] projections)
        : base(context, handle)
    {
        Constructor = new FuncDecl(context, context.Checked(constructor));
        fields = Array.ConvertAll(projections, p => new FuncDecl(context, context.Checked(p)));
        FieldNames = Array.ConvertAll(fields, f => f.Name);
    }

    /// <summary>The constructor, taking the fields in order.</summary>
    public FuncDecl Constructor { get; }

    /// <summary>The accessor declarations, in field order.</summary>
    public IReadOnlyList<FuncDecl> FieldDecls => fields;

    /// <summary>The field names, in order.</summary>
    public IReadOnlyList<string> FieldNames { get; }

    /// <summary>The tuple of the given field values, in field order.</summary>
    public Term Make(params Term[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != fields.Length)
        {
            throw new ArgumentException($"Tuple sort {Name} has {fields.Length} fields ({string.Join(", ", FieldNames)}) but {values.Length} values were given.", nameof(values));
        }

        return Context.Apply(Constructor, values);
    }

    /// <summary>Field <paramref name="index"/> of <paramref name="tuple"/>.</summary>
    public Term Field(Term tuple, int index) => Context.Apply(fields[index], tuple);

    /// <summary>The field named <paramref name="name"/> of <paramref name="tuple"/>.</summary>
    public Term Field(Term tuple, string name) => Field(tuple, IndexOf(name));

    /// <summary>The position of the field named <paramref name="name"/>.</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (FieldNames[i] == name)
            {
                return i;
            }
        }

        throw new ArgumentException($"Tuple sort {Name} has no field '{name}' (it has {string.Join(", ", FieldNames)}).", nameof(name));
    }

    private protected override void DisposeParts()
    {
        Constructor.Dispose();
        foreach (var decl in fields)
        {
            decl.Dispose();
        }
    }
}
