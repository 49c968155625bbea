namespace Verified.Manifests;

/// <summary>"Did you mean ...?" for misspelt keys, flags and service names.</summary>
internal static class Suggestions
{
    /// <summary>` (did you mean `x`?)` when a candidate is within a third of the word's length in edits, else "".</summary>
    public static string DidYouMean(string word, IEnumerable<string> candidates)
    {
        var best = candidates
            .Select(c => (Candidate: c, Distance: Distance(word, c)))
            .Where(x => x.Distance <= Math.Max(1, x.Candidate.Length / 3))
            .OrderBy(x => x.Distance)
            .ThenBy(x => x.Candidate, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Candidate is null ? "" : $" (did you mean `{best.Candidate}`?)";
    }

    /// <summary>
    /// Edit distance counting insertions, deletions, substitutions and swaps of neighbours
    /// (optimal string alignment), since `snyc` for `sync` is the typical slip.
    /// </summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(d[i - 1, j - 1] + cost, Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1));
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
