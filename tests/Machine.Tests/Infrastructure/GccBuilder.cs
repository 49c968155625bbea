using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Verified.Machine.Tests.Infrastructure;

/// <summary>
/// Compiles C with the host gcc into a cache directory keyed by the content hash of the sources,
/// the headers they may include, the flags and the compiler version, so a test run compiles each
/// program once and later runs compile nothing. Safe to call from parallel tests: each output is
/// written to a temporary name and renamed into place.
/// </summary>
public sealed class GccBuilder
{
    private readonly string cacheDirectory;
    private readonly Lazy<string> version;

    public GccBuilder(string cacheDirectory)
    {
        this.cacheDirectory = cacheDirectory;
        Directory.CreateDirectory(cacheDirectory);
        version = new Lazy<string>(() => RunGcc(["-dumpfullversion"]).Trim());
    }

    /// <summary>The shared cache: $VERIFIED_GCC_CACHE, else a directory under the temp path.</summary>
    public static GccBuilder Shared { get; } = new(
        Environment.GetEnvironmentVariable("VERIFIED_GCC_CACHE") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Path.GetTempPath(), "verified-gcc-cache"));

    public string CompilerVersion => version.Value;

    /// <summary>
    /// Builds an executable from <paramref name="sources"/> with <paramref name="flags"/> (and
    /// <paramref name="libraries"/> after the sources, where the linker wants them); files in
    /// <paramref name="dependencies"/> (headers) take part in the cache key. Returns its path.
    /// </summary>
    public string Build(
        string name,
        IReadOnlyList<string> sources,
        IReadOnlyList<string> flags,
        IReadOnlyList<string>? dependencies = null,
        IReadOnlyList<string>? libraries = null)
    {
        if (sources.Count == 0)
        {
            throw new ArgumentException("Give at least one C source file to compile.", nameof(sources));
        }
        libraries ??= [];
        var key = CacheKey(sources, [.. flags, .. libraries], dependencies ?? []);
        var output = Path.Combine(cacheDirectory, $"{name}-{key}");
        if (File.Exists(output))
        {
            return output;
        }
        var temporary = $"{output}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        RunGcc([.. flags, "-o", temporary, .. sources, .. libraries]);
        try
        {
            File.Move(temporary, output, overwrite: false);
        }
        catch (IOException) when (File.Exists(output))
        {
            // Another test built the same key first; its output is identical.
            File.Delete(temporary);
        }
        return output;
    }

    private string CacheKey(IReadOnlyList<string> sources, IReadOnlyList<string> flags, IReadOnlyList<string> dependencies)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(CompilerVersion + "\n" + string.Join('\u0001', flags) + "\n"));
        foreach (var file in sources.Concat(dependencies))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\n"));
            hash.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexString(hash.GetHashAndReset())[..16].ToLowerInvariant();
    }

    private static string RunGcc(IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo("gcc")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException("Could not start gcc; install it (apt-get install gcc).");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"gcc {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:\n{stderr.Result}");
        }
        return stdout;
    }
}
