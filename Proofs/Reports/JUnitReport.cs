using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Verified.Proofs.Reports;

/// <summary>
/// `verified prove --junit`: the JUnit XML that CI systems (GitLab, Jenkins, GitHub actions)
/// read. One testcase per obligation, class name by kind. A counterexample or an unknown is a
/// &lt;failure&gt; (the proof did not go through), an exception is an &lt;error&gt;; the body holds
/// the text a person reads.
/// </summary>
public static class JUnitReport
{
    public const string SuiteName = "verified.prove";

    public static XDocument ToXml(ProveReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var failures = report.Results.Count(r => r is ObligationResult.Counterexample or ObligationResult.Unknown);
        var errors = report.Results.Count(r => r is ObligationResult.Error);
        var suite = new XElement("testsuite",
            new XAttribute("name", SuiteName),
            new XAttribute("tests", report.Results.Count),
            new XAttribute("failures", failures),
            new XAttribute("errors", errors),
            new XAttribute("skipped", 0),
            new XAttribute("time", Seconds(report.WallMilliseconds)),
            report.Results.Select(TestCase));
        return new XDocument(
            new XDeclaration("1.0", "utf-8", null),
            new XElement("testsuites",
                new XAttribute("name", "verified prove"),
                new XAttribute("tests", report.Results.Count),
                new XAttribute("failures", failures),
                new XAttribute("errors", errors),
                new XAttribute("time", Seconds(report.WallMilliseconds)),
                suite));
    }

    public static string Serialize(ProveReport report) => ToXml(report).Declaration + Environment.NewLine + ToXml(report);

    private static XElement TestCase(ObligationResult result)
    {
        var testCase = new XElement("testcase",
            new XAttribute("classname", $"{SuiteName}.{result.Kind.ToString().ToLowerInvariant()}"),
            new XAttribute("name", result.Name),
            new XAttribute("time", Seconds(result.Milliseconds)));
        switch (result)
        {
            case ObligationResult.Proved:
                break;
            case ObligationResult.Counterexample c:
                testCase.Add(new XElement("failure", new XAttribute("type", "counterexample"), new XAttribute("message", Clean(FirstLine(c.Trace.Violation?.Message ?? c.Text))), Clean(c.Text)));
                break;
            case ObligationResult.Unknown u:
                testCase.Add(new XElement("failure", new XAttribute("type", "unknown"), new XAttribute("message", Clean($"unknown: {u.Reason}")), Clean($"Z3 answered unknown ({u.Reason}); unknown and time-outs are failures.")));
                break;
            case ObligationResult.Error e:
                testCase.Add(new XElement("error", new XAttribute("type", "error"), new XAttribute("message", Clean(FirstLine(e.Message))), Clean(e.Message)));
                break;
        }

        return testCase;
    }

    /// <summary>XML 1.0 cannot hold some control characters; a message must never make the report unwritable.</summary>
    private static string Clean(string text) =>
        text.All(XmlConvert.IsXmlChar) ? text : new string(text.Select(c => XmlConvert.IsXmlChar(c) ? c : '?').ToArray());

    private static string FirstLine(string text)
    {
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }

    private static string Seconds(long milliseconds) => (milliseconds / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);
}
