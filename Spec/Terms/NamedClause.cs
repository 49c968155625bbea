namespace Verified.Spec;

/// <summary>A boolean term with a name, so a failed proof can say which clause broke (assert-and-track in Z3).</summary>
public sealed record NamedClause
{
    public NamedClause(string name, Term body)
    {
        SpecNames.Check(name, "clause name");
        ArgumentNullException.ThrowIfNull(body);
        if (body.Sort is not BoolSort)
            throw new SortMismatchException($"NamedClause {name}: body must be Bool, got {body.Sort}");
        Name = name;
        Body = body;
    }

    public string Name { get; }

    public Term Body { get; }

    public override string ToString() => $"{Name}: {Body}";
}
