namespace Verified.Cli.Tests;

/// <summary>Runs `verified replay` on a trace text written to a temporary file (removed afterwards).</summary>
internal static class ReplayRun
{
    public static (int Code, string Out, string Err) Text(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"verified-replay-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var code = Program.Run(["replay", path], stdout, stderr);
            return (code, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
