namespace Verified.Spec;

public static partial class T
{
    /// <summary>A record from one term per field, in the sort's field order.</summary>
    public static Term Record(RecordSort sort, params Term[] fields)
    {
        ArgumentNullException.ThrowIfNull(sort);
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Length != sort.Fields.Length)
            throw new ArgumentException($"Record {sort.Name}: expected {sort.Fields.Length} fields ({string.Join(", ", sort.Fields)}), got {fields.Length}", nameof(fields));
        NotNull($"Record {sort.Name}", fields);
        for (int i = 0; i < fields.Length; i++)
            if (!fields[i].Sort.Equals(sort.Fields[i].Sort))
                throw new SortMismatchException($"Record {sort.Name}: field '{sort.Fields[i].Name}' must have the field's sort, got {sort.Fields[i].Sort} and {fields[i].Sort}");
        return App(Op.MkRecord, sort, fields);
    }

    /// <summary>A record from (field name, term) pairs; every field exactly once, any order.</summary>
    public static Term Record(RecordSort sort, params (string Field, Term Value)[] fields)
    {
        ArgumentNullException.ThrowIfNull(sort);
        ArgumentNullException.ThrowIfNull(fields);
        var byIndex = new Term?[sort.Fields.Length];
        foreach (var (name, value) in fields)
        {
            int i = sort.IndexOf(name);
            if (byIndex[i] is not null) throw new ArgumentException($"Record {sort.Name}: field '{name}' given twice", nameof(fields));
            byIndex[i] = value;
        }
        for (int i = 0; i < byIndex.Length; i++)
            if (byIndex[i] is null) throw new ArgumentException($"Record {sort.Name}: field '{sort.Fields[i].Name}' missing", nameof(fields));
        return Record(sort, byIndex!);
    }

    public static Term Field(Term record, string field)
    {
        var s = RecordOf("Field", record);
        int i = s.IndexOf(field);
        return AppP(Op.Field, s.Fields[i].Sort, i, 0, record);
    }

    /// <summary>The record <paramref name="record"/> with field <paramref name="field"/> replaced by <paramref name="value"/>.</summary>
    public static Term With(Term record, string field, Term value)
    {
        var s = RecordOf("With", record);
        int i = s.IndexOf(field);
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Sort.Equals(s.Fields[i].Sort))
            throw new SortMismatchException($"With: field '{field}' of {s.Name} must have the field's sort, got {s.Fields[i].Sort} and {value.Sort}");
        return AppP(Op.With, s, i, 0, record, value);
    }

    private static RecordSort RecordOf(string op, Term record)
    {
        ArgumentNullException.ThrowIfNull(record, $"{op} record");
        return record.Sort as RecordSort ?? throw new SortMismatchException($"{op}: operand 1 must be a Record, got {record.Sort}");
    }
}
