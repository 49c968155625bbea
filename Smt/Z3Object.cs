using Verified.Smt.Native;

namespace Verified.Smt;

/// <summary>
/// Base of every managed wrapper that holds one reference to a reference-counted Z3 object
/// (term, sort, declaration, pattern, solver, model, parameter set). The reference is taken at
/// construction and given back deterministically by <see cref="Dispose"/>; a wrapper that is
/// never disposed gives it back through the garbage collector (its finalizer queues the release,
/// and the owning <see cref="Smt.Context"/> performs it on its own thread at its next call, since
/// Z3 contexts are not thread-safe). Disposing the context frees everything it owns at once.
/// </summary>
public abstract class Z3Object : IDisposable
{
    private readonly NativeRefKind kind;
    private nint handle;

    private protected Z3Object(Context context, nint handle, NativeRefKind kind)
    {
        Context = context;
        this.kind = kind;

        // The handle is recorded only once the reference is taken: if AddRef throws, the
        // finalizer must not give back a reference this wrapper never held.
        context.AddRef(kind, handle);
        this.handle = handle;
    }

    /// <summary>The context that owns this object; objects of two contexts never mix.</summary>
    public Context Context { get; }

    /// <summary>True once this wrapper or its context has been disposed.</summary>
    public bool IsDisposed => handle == 0 || Context.IsDisposed;

    /// <summary>The native pointer, for the owning context's calls; throws once disposed.</summary>
    internal nint Handle
    {
        get
        {
            var h = handle;
            if (h == 0 || Context.IsDisposed)
            {
                throw new ObjectDisposedException(
                    GetType().Name,
                    $"This Z3 {GetType().Name} (or its Context) was disposed; create a new one instead of reusing it.");
            }

            return h;
        }
    }

    /// <summary>The native pointer without checks, for identity (equality and hashing).</summary>
    private protected nint RawHandle => handle;

    public void Dispose()
    {
        var h = Interlocked.Exchange(ref handle, 0);
        if (h != 0)
        {
            DisposeParts();
            Context.Release(kind, h);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes wrappers this one created and owns (e.g. an enumeration's constants).</summary>
    private protected virtual void DisposeParts()
    {
    }

    ~Z3Object()
    {
        var h = Interlocked.Exchange(ref handle, 0);
        if (h != 0)
        {
            Context.DeferRelease(kind, h);
        }
    }
}
