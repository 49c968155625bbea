namespace Verified.Spec;

/// <summary>Names of sorts, fields, members and variables: non-empty, no whitespace, no '|' (they end up as SMT-LIB symbols).</summary>
internal static class SpecNames
{
    public static void Check(string? name, string what)
    {
        if (string.IsNullOrEmpty(name))
            throw new ArgumentException($"{what} must be a non-empty name");
        foreach (char c in name)
            if (char.IsWhiteSpace(c) || c == '|' || c == '\\' || char.IsControl(c))
                throw new ArgumentException($"{what} '{name}' contains a character not allowed in a name (whitespace, '|', '\\' or control)");
    }
}
