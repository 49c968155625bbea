namespace Verified.Spec;

public static partial class T
{
    /// <summary>The map with <paramref name="default"/> at every key of <paramref name="keySort"/>.</summary>
    public static Term ConstMap(Sort keySort, Term @default)
    {
        ArgumentNullException.ThrowIfNull(keySort);
        ArgumentNullException.ThrowIfNull(@default);
        return App(Op.ConstMap, new MapSort(keySort, @default.Sort), @default);
    }

    public static Term Select(Term map, Term key)
    {
        var s = MapOf("Select", map);
        KeyOf("Select", s, key);
        return App(Op.Select, s.Value, map, key);
    }

    public static Term Store(Term map, Term key, Term value)
    {
        var s = MapOf("Store", map);
        KeyOf("Store", s, key);
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Sort.Equals(s.Value))
            throw new SortMismatchException($"Store: value must have the map's value sort, got {s.Value} and {value.Sort}");
        return App(Op.Store, s, map, key, value);
    }

    /// <summary>
    /// Pointwise update: the map whose value at each key k is <c>pred ? newValue : map[k]</c>,
    /// where <paramref name="key"/> is bound to k and <paramref name="value"/> to <c>map[k]</c>
    /// inside <paramref name="predicate"/> and <paramref name="newValue"/>.
    /// In Z3 this is a lambda; Eval visits only the map's explicit entries plus one evaluation for
    /// the default, which is exact when, at keys holding the default, the predicate and new value do
    /// not read the key (e.g. <c>value != empty &amp;&amp; ...</c> with short-circuit). Otherwise Eval
    /// enumerates a small key sort or rejects the term (see docs/SPEC_LANGUAGE.md).
    /// </summary>
    public static Term MapUpdateWhere(Term map, VarTerm key, VarTerm value, Term predicate, Term newValue)
    {
        var s = MapOf("MapUpdateWhere", map);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (!key.Sort.Equals(s.Key))
            throw new SortMismatchException($"MapUpdateWhere: key variable must have the map's key sort, got {s.Key} and {key.Sort}");
        if (!value.Sort.Equals(s.Value))
            throw new SortMismatchException($"MapUpdateWhere: value variable must have the map's value sort, got {s.Value} and {value.Sort}");
        if (key.Name == value.Name)
            throw new ArgumentException($"MapUpdateWhere: key and value variables need different names, both are '{key.Name}'");
        Bool("MapUpdateWhere", predicate, 4);
        ArgumentNullException.ThrowIfNull(newValue);
        if (!newValue.Sort.Equals(s.Value))
            throw new SortMismatchException($"MapUpdateWhere: new value must have the map's value sort, got {s.Value} and {newValue.Sort}");
        return new MapUpdateTerm(map, key, value, predicate, newValue);
    }

    private static MapSort MapOf(string op, Term map)
    {
        ArgumentNullException.ThrowIfNull(map, $"{op} map");
        return map.Sort as MapSort ?? throw new SortMismatchException($"{op}: operand 1 must be a Map, got {map.Sort}");
    }

    private static void KeyOf(string op, MapSort s, Term key)
    {
        ArgumentNullException.ThrowIfNull(key, $"{op} key");
        if (!key.Sort.Equals(s.Key))
            throw new SortMismatchException($"{op}: key must have the map's key sort, got {s.Key} and {key.Sort}");
    }
}
