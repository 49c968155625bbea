using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Verified.Spec;

/// <summary>
/// The explicit entries of a <see cref="MapValue"/> (the keys whose value is not the default): a
/// view of the map, made without copying. Enumerated in key order when the key sort is scalar
/// (bit-vector, enum, Bool), in hash order otherwise.
/// </summary>
public readonly struct MapEntries : IReadOnlyDictionary<Value, Value>
{
    private readonly MapValue _map;

    internal MapEntries(MapValue map) => _map = map;

    public int Count => _map.EntryCount;

    public bool IsEmpty => _map.EntryCount == 0;

    /// <summary>The entry's value for a key of the map's key sort (a key of another sort is at no entry).</summary>
    public bool TryGetValue(Value key, [MaybeNullWhen(false)] out Value value)
    {
        value = _map.TryFind(key);
        return value is not null;
    }

    public bool ContainsKey(Value key) => _map.TryFind(key) is not null;

    public Value this[Value key] => _map.TryFind(key) ?? throw new KeyNotFoundException($"MapEntries: no entry at {key}");

    public IEnumerable<Value> Keys
    {
        get
        {
            foreach (var e in this) yield return e.Key;
        }
    }

    public IEnumerable<Value> Values
    {
        get
        {
            foreach (var e in this) yield return e.Value;
        }
    }

    public Enumerator GetEnumerator() => _map.Enumerate();

    IEnumerator<KeyValuePair<Value, Value>> IEnumerable<KeyValuePair<Value, Value>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Enumerates the base run with the overlay applied, without allocating.</summary>
    public struct Enumerator : IEnumerator<KeyValuePair<Value, Value>>
    {
        private readonly MapEntry[] _base;
        private readonly MapEntry[] _over;
        private readonly bool _scalar;
        private int _i;
        private int _j;
        private MapEntry _current;

        internal Enumerator(MapEntry[] @base, MapEntry[] over, bool scalar)
        {
            _base = @base;
            _over = over;
            _scalar = scalar;
        }

        public readonly KeyValuePair<Value, Value> Current => new(_current.K, _current.V!);

        internal readonly MapEntry Entry => _current;

        readonly object IEnumerator.Current => Current;

        public bool MoveNext()
        {
            if (_scalar)
            {
                // Both in key order: a merge, the overlay winning at equal keys (a null value: removed).
                while (true)
                {
                    bool hasBase = _i < _base.Length, hasOver = _j < _over.Length;
                    if (hasOver && (!hasBase || _over[_j].Key <= _base[_i].Key))
                    {
                        if (hasBase && _over[_j].Key == _base[_i].Key) _i++;
                        var e = _over[_j++];
                        if (e.V is null) continue;
                        _current = e;
                        return true;
                    }
                    if (!hasBase) return false;
                    _current = _base[_i++];
                    return true;
                }
            }
            // Hashed keys: the base's entries the overlay does not name, then the overlay's.
            while (_i < _base.Length)
            {
                var e = _base[_i++];
                if (_over.Length > 0 && EntryRun.Find(_over, e.Key, e.K, false) >= 0) continue;
                _current = e;
                return true;
            }
            while (_j < _over.Length)
            {
                var e = _over[_j++];
                if (e.V is null) continue;
                _current = e;
                return true;
            }
            return false;
        }

        public void Reset() => (_i, _j) = (0, 0);

        public readonly void Dispose() { }
    }
}
