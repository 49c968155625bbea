namespace Verified.Machine.Tests.Infrastructure;

/// <summary>
/// Compiles the whole corpus at every level once per test class, two gcc processes at a time
/// (the machine has two cores); later runs hit the content-hash cache and compile nothing.
/// </summary>
public sealed class CorpusBuild
{
    private readonly Dictionary<(string Program, string Level), string> executables = [];

    public CorpusBuild()
    {
        var jobs = Corpus.Programs.SelectMany(p => Corpus.Levels.Select(l => (Program: p, Level: l))).ToList();
        var built = new string[jobs.Count];
        Parallel.For(0, jobs.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
            built[i] = Corpus.Build(GccBuilder.Shared, jobs[i].Program, jobs[i].Level));
        for (var i = 0; i < jobs.Count; i++)
        {
            executables[jobs[i]] = built[i];
        }
    }

    public string Executable(string program, string level) => executables[(program, level)];
}
