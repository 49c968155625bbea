using System.Runtime.InteropServices;

namespace Verified.Smt.Tests;

/// <summary>
/// Bytes in use in the C heap (glibc's mallinfo2, all arenas), where Z3 allocates. Exact at the
/// moment of the call, unlike Z3's own estimate, which each thread publishes in ~100 KB batches.
/// </summary>
internal static partial class NativeHeap
{
    public static long BytesInUse
    {
        get
        {
            var info = mallinfo2();
            return (long)(info.Uordblks + info.Hblkhd);
        }
    }

    [LibraryImport("libc.so.6")]
    private static partial MallInfo2 mallinfo2();

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena;
        public nuint Ordblks;
        public nuint Smblks;
        public nuint Hblks;
        public nuint Hblkhd;
        public nuint Usmblks;
        public nuint Fsmblks;
        public nuint Uordblks;
        public nuint Fordblks;
        public nuint Keepcost;
    }
}
