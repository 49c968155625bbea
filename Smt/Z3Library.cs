using System.Runtime.InteropServices;
using Verified.Smt.Native;

namespace Verified.Smt;

/// <summary>Process-wide facts about the loaded libz3: availability, version, native memory.</summary>
public static class Z3Library
{
    private static readonly Lazy<bool> Available = new(() => CanLoad(Z3Native.LibraryName));

    /// <summary>True when libz3.so.4 can be loaded on this machine.</summary>
    public static bool IsAvailable => Available.Value;

    /// <summary>Z3's version, e.g. "4.8.12.0".</summary>
    public static string Version
    {
        get
        {
            EnsureAvailable();
            Z3Native.Z3_get_version(out var major, out var minor, out var build, out var revision);
            return $"{major}.{minor}.{build}.{revision}";
        }
    }

    /// <summary>
    /// Z3's own estimate of the bytes it has allocated, over all contexts of the process
    /// (<c>Z3_get_estimated_alloc_size</c>; updated by each thread in batches of ~100 KB).
    /// </summary>
    public static ulong EstimatedAllocatedBytes
    {
        get
        {
            EnsureAvailable();
            return Z3Native.Z3_get_estimated_alloc_size();
        }
    }

    /// <summary>Throws <see cref="Z3LibraryNotFoundException"/> unless libz3.so.4 loads.</summary>
    public static void EnsureAvailable() => Require(IsAvailable);

    /// <summary>The check behind <see cref="EnsureAvailable"/>, for a probe result (testable with a missing file).</summary>
    internal static void Require(bool available)
    {
        if (!available)
        {
            throw new Z3LibraryNotFoundException();
        }
    }

    /// <summary>The probe behind <see cref="IsAvailable"/>, by file name so a test can point it at a missing one.</summary>
    internal static bool CanLoad(string libraryName)
    {
        // The handle is kept, not freed: the P/Invoke layer loads the same library next, and
        // unloading a C++ library between the two would run its static destructors for nothing.
        return NativeLibrary.TryLoad(libraryName, typeof(Z3Library).Assembly, null, out _);
    }
}
