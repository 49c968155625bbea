using System.Text;
using System.Text.RegularExpressions;

namespace Verified.Proofs;

/// <summary>
/// Selects obligations by name with shell-style globs: `*` matches any run of characters
/// (dots and slashes included, so `cap.*` takes every capability obligation), `?` one character.
/// Several globs select the union. No glob selects everything.
/// </summary>
public sealed class ObligationFilter
{
    private readonly Regex[] _patterns;

    public ObligationFilter(IEnumerable<string> globs)
    {
        ArgumentNullException.ThrowIfNull(globs);
        Globs = globs.ToArray();
        foreach (var glob in Globs)
        {
            if (string.IsNullOrWhiteSpace(glob))
            {
                throw new ArgumentException("An obligation filter glob is empty; give a pattern such as 'cap.*'.", nameof(globs));
            }
        }

        _patterns = Globs.Select(ToRegex).ToArray();
    }

    public static ObligationFilter All { get; } = new([]);

    public IReadOnlyList<string> Globs { get; }

    public bool Matches(string name) => _patterns.Length == 0 || _patterns.Any(p => p.IsMatch(name));

    public IReadOnlyList<T> Apply<T>(IEnumerable<T> items, Func<T, string> name) => items.Where(i => Matches(name(i))).ToList();

    private static Regex ToRegex(string glob)
    {
        var pattern = new StringBuilder("^");
        foreach (var c in glob)
        {
            pattern.Append(c switch
            {
                '*' => ".*",
                '?' => ".",
                _ => Regex.Escape(c.ToString()),
            });
        }

        pattern.Append('$');
        return new Regex(pattern.ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1));
    }
}
