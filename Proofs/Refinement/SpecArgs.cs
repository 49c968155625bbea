using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Verified.Spec;

namespace Verified.Proofs.Refinement;

/// <summary>
/// A spec call's arguments by name: the one to nine pairs a call has, kept in two arrays and
/// looked up by a linear scan. Every syscall built an immutable hash dictionary for them (about
/// 0.7% of a checked run), whose only uses are a few lookups by name (Eval binds the operation's
/// arguments once, by position) and the label, which orders them by name itself.
/// </summary>
public sealed class SpecArgs : IReadOnlyDictionary<string, Value>
{
    private readonly string[] names;
    private readonly Value[] values;

    public SpecArgs(params ReadOnlySpan<(string Name, Value Value)> args)
    {
        names = new string[args.Length];
        values = new Value[args.Length];
        for (var i = 0; i < args.Length; i++)
        {
            var (name, value) = args[i];
            ArgumentNullException.ThrowIfNull(name);
            ArgumentNullException.ThrowIfNull(value);
            if (IndexOf(name, i) >= 0) throw new ArgumentException($"SpecArgs: argument '{name}' is given twice", nameof(args));
            names[i] = name;
            values[i] = value;
        }
    }

    public int Count => names.Length;

    // Read-only views: the arrays themselves could be cast back and changed, and a note renders these later.
    public IEnumerable<string> Keys => Array.AsReadOnly(names);

    public IEnumerable<Value> Values => Array.AsReadOnly(values);

    public Value this[string key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"SpecArgs: no argument '{key}' (have {string.Join(", ", names)})");

    public bool ContainsKey(string key) => IndexOf(key, names.Length) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Value value)
    {
        var i = IndexOf(key, names.Length);
        value = i >= 0 ? values[i] : null;
        return i >= 0;
    }

    public IEnumerator<KeyValuePair<string, Value>> GetEnumerator()
    {
        for (var i = 0; i < names.Length; i++) yield return new(names[i], values[i]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // The names are mostly the same literals as the operation's (interned), so the reference test usually decides.
    private int IndexOf(string key, int upTo)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (var i = 0; i < upTo; i++)
        {
            if (ReferenceEquals(names[i], key) || string.Equals(names[i], key, StringComparison.Ordinal)) return i;
        }

        return -1;
    }
}
