using System.Collections.Immutable;

namespace Verified.Spec;

/// <summary>A record value: one value per field of <see cref="RecordSort"/>, in field order.</summary>
public sealed record RecordValue : Value
{
    private int _hash; // computed on first use: Eval builds many records that are never hashed
    private bool _hashed;

    public RecordValue(RecordSort sort, ImmutableArray<Value> fields)
    {
        ArgumentNullException.ThrowIfNull(sort);
        if (fields.IsDefault || fields.Length != sort.Fields.Length)
            throw new ArgumentException($"Record {sort.Name}: expected {sort.Fields.Length} field values, got {(fields.IsDefault ? 0 : fields.Length)}", nameof(fields));
        for (int i = 0; i < fields.Length; i++)
        {
            if (fields[i] is null || !fields[i].Sort.Equals(sort.Fields[i].Sort))
                throw new ArgumentException($"Record {sort.Name}: field '{sort.Fields[i].Name}' needs {sort.Fields[i].Sort}, got {fields[i]?.Sort.ToString() ?? "null"}", nameof(fields));
        }
        RecordSort = sort;
        Fields = fields;
    }

    private RecordValue(RecordSort sort, ImmutableArray<Value> fields, bool _)
    {
        RecordSort = sort;
        Fields = fields;
    }

    /// <summary>Without sort checks: for Eval, whose terms are sort-checked at construction.</summary>
    internal static RecordValue Unchecked(RecordSort sort, ImmutableArray<Value> fields) => new(sort, fields, true);

    public RecordSort RecordSort { get; }

    public ImmutableArray<Value> Fields { get; }

    public Value this[string field] => Fields[RecordSort.IndexOf(field)];

    public RecordValue With(string field, Value value) =>
        new(RecordSort, Fields.SetItem(RecordSort.IndexOf(field), value));

    public override Sort Sort => RecordSort;

    public bool Equals(RecordValue? other) =>
        ReferenceEquals(this, other) ||
        (other is not null && GetHashCode() == other.GetHashCode() && RecordSort.Equals(other.RecordSort) && Fields.SequenceEqual(other.Fields));

    public override int GetHashCode()
    {
        if (!_hashed)
        {
            var h = new HashCode();
            h.Add(RecordSort);
            foreach (var f in Fields) h.Add(f);
            _hash = h.ToHashCode();
            _hashed = true;
        }
        return _hash;
    }

    public override string ToString() =>
        $"{RecordSort.Name} {{ {string.Join(", ", RecordSort.Fields.Select((f, i) => $"{f.Name} = {Fields[i]}"))} }}";
}
