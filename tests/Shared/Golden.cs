using System.Runtime.CompilerServices;
using Shouldly;

namespace Verified.Tests.Shared;

/// <summary>
/// Golden files for text people read, through Shouldly's ShouldMatchApproved, kept in
/// approved/NAME.approved.txt next to the tests. `VERIFIED_APPROVE=1 dotnet test` rewrites them
/// from the current output (then review the diff before committing).
/// Shared by the test projects that read golden text (linked into each); the approved folder is
/// the one beside the calling test's source file, found from the test method's [Fact]/[Theory].
/// </summary>
internal static class Golden
{
    public static void ShouldMatchGolden(this string text, string name, [CallerFilePath] string sourceFile = "")
    {
        if (Environment.GetEnvironmentVariable("VERIFIED_APPROVE") == "1")
        {
            var directory = Path.Combine(Path.GetDirectoryName(sourceFile)!, "approved");
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, $"{name}.approved.txt"), text);
        }

        text.ShouldMatchApproved(c => c
            .LocateTestMethodUsingAttribute<Xunit.FactAttribute>()
            .SubFolder("approved")
            .WithDiscriminator(name)
            .NoDiff()
            .WithFilenameGenerator((_, discriminator, type, extension) => $"{discriminator?.TrimStart('.')}.{type}.{extension}"));
    }
}
