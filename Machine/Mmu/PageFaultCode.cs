namespace Verified.Machine.Mmu;

/// <summary>The architectural #PF error-code bits.</summary>
internal static class PageFaultCode
{
    public const ulong Present = 1, Write = 2, User = 4, Reserved = 8, Fetch = 16;
}

/// <summary>Kinds of access a translation is checked for.</summary>
internal enum Access
{
    Read, Write, Fetch,
}
