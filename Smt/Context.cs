using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Verified.Smt.Native;

namespace Verified.Smt;

/// <summary>
/// One Z3 context: owns the native handle and every object made from it. Created with
/// <c>Z3_mk_context_rc</c> (reference-counted terms) and with no error handler, so a Z3 error
/// sets an error code that each call reads back and turns into a <see cref="Z3Exception"/>
/// (Z3's default handler would exit the process). A context belongs to the thread that created
/// it: Z3 contexts are not thread-safe, so use from another thread throws; make one per worker.
/// The only call allowed from any thread is <see cref="Interrupt"/>.
/// </summary>
public sealed partial class Context : IDisposable
{
    private readonly int ownerThread;
    private readonly ConcurrentQueue<(NativeRefKind Kind, nint Handle)> deferredReleases = new();
    private readonly Lock lifetime = new();
    private nint handle;
    private int liveReferences;

    /// <summary>Creates a context. Throws <see cref="Z3LibraryNotFoundException"/> when libz3.so.4 is missing.</summary>
    public Context()
    {
        Z3Library.EnsureAvailable();
        nint config;
        try
        {
            config = Z3Native.Z3_mk_config();
        }
        catch (DllNotFoundException e)
        {
            throw new Z3LibraryNotFoundException(Z3LibraryNotFoundException.InstallMessage, e);
        }

        try
        {
            Z3Native.Z3_set_param_value(config, "model", "true");
            handle = Z3Native.Z3_mk_context_rc(config);
        }
        finally
        {
            Z3Native.Z3_del_config(config);
        }

        if (handle == 0)
        {
            throw new Z3Exception(Z3ErrorCode.MemoryOut, "Z3_mk_context_rc returned no context");
        }

        Z3Native.Z3_set_error_handler(handle, 0);
        ownerThread = Environment.CurrentManagedThreadId;
    }

    ~Context()
    {
        // Unreachable, so no thread is using it: deleting from the finalizer thread is safe.
        var h = Interlocked.Exchange(ref handle, 0);
        if (h != 0)
        {
            Z3Native.Z3_del_context(h);
        }
    }

    /// <summary>True once <see cref="Dispose"/> has run.</summary>
    public bool IsDisposed => handle == 0;

    /// <summary>
    /// How many native references this context's wrappers hold right now (taken minus given
    /// back). Stays flat in a loop that disposes what it makes; grows if wrappers leak.
    /// </summary>
    public int LiveReferenceCount => Volatile.Read(ref liveReferences);

    /// <summary>Frees the native context and everything made from it. Only on the owning thread.</summary>
    public void Dispose()
    {
        if (handle == 0)
        {
            return;
        }

        CheckOwnerThread();
        lock (lifetime)
        {
            Z3Native.Z3_del_context(handle);
            handle = 0;
        }

        deferredReleases.Clear();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Asks a running check on this context to stop (it then returns Unknown, reason "interrupted" or "canceled").
    /// The one member callable from any thread.
    /// </summary>
    public void Interrupt()
    {
        lock (lifetime)
        {
            if (handle != 0)
            {
                Z3Native.Z3_interrupt(handle);
            }
        }
    }

    /// <summary>The native context for a call made now: checks disposal and the owning thread.</summary>
    internal nint Native
    {
        get
        {
            CheckAccess();
            return handle;
        }
    }

    internal void CheckAccess()
    {
        if (handle == 0)
        {
            throw new ObjectDisposedException(nameof(Context), "This Z3 Context was disposed; create a new Context.");
        }

        CheckOwnerThread();
        if (!deferredReleases.IsEmpty)
        {
            DrainDeferredReleases();
        }
    }

    /// <summary>The handle of an object that must belong to this context (terms of two contexts never mix).</summary>
    internal nint Own(Z3Object value, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(value, parameterName);
        if (!ReferenceEquals(value.Context, this))
        {
            throw new ArgumentException(
                $"The {value.GetType().Name} belongs to another Z3 Context: objects from two contexts cannot be mixed. "
                + "Build it with this Context (one Context per worker thread).",
                parameterName);
        }

        return value.Handle;
    }

    internal nint[] Own(IReadOnlyList<Z3Object> values, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(values, parameterName);
        var handles = new nint[values.Count];
        for (var i = 0; i < handles.Length; i++)
        {
            handles[i] = Own(values[i], parameterName);
        }

        return handles;
    }

    /// <summary>Turns Z3's recorded error, if any, into a <see cref="Z3Exception"/> (and clears it).</summary>
    internal void ThrowIfError()
    {
        var code = Z3Native.Z3_get_error_code(handle);
        if (code == (int)Z3ErrorCode.Ok)
        {
            return;
        }

        var message = Marshal.PtrToStringUTF8(Z3Native.Z3_get_error_msg(handle, code)) ?? string.Empty;
        Z3Native.Z3_set_error(handle, (int)Z3ErrorCode.Ok);
        throw new Z3Exception((Z3ErrorCode)code, message);
    }

    /// <summary>Checks the last call and that it produced an object.</summary>
    internal nint Checked(nint result)
    {
        ThrowIfError();
        if (result == 0)
        {
            throw new Z3Exception(Z3ErrorCode.Exception, "Z3 returned no object and no error code");
        }

        return result;
    }

    /// <summary>Checks the last call and copies the string it returned (Z3 reuses the buffer).</summary>
    internal string ReadString(nint result)
    {
        ThrowIfError();
        return Marshal.PtrToStringUTF8(result) ?? string.Empty;
    }

    internal nint Symbol(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Checked(Z3Native.Z3_mk_string_symbol(Native, name));
    }

    internal string SymbolName(nint symbol) => ReadString(Z3Native.Z3_get_symbol_string(Native, symbol));

    internal void AddRef(NativeRefKind kind, nint h)
    {
        // No draining of deferred releases here: the object being wrapped may still be held only
        // by Z3's "last result" slot, and the reference must be taken before anything else runs.
        if (handle == 0)
        {
            throw new ObjectDisposedException(nameof(Context), "This Z3 Context was disposed; create a new Context.");
        }

        CheckOwnerThread();
        var n = handle;
        switch (kind)
        {
            case NativeRefKind.Ast: Z3Native.Z3_inc_ref(n, h); break;
            case NativeRefKind.Solver: Z3Native.Z3_solver_inc_ref(n, h); break;
            case NativeRefKind.Model: Z3Native.Z3_model_inc_ref(n, h); break;
            case NativeRefKind.Params: Z3Native.Z3_params_inc_ref(n, h); break;
            case NativeRefKind.ParamDescrs: Z3Native.Z3_param_descrs_inc_ref(n, h); break;
            case NativeRefKind.Stats: Z3Native.Z3_stats_inc_ref(n, h); break;
            case NativeRefKind.AstVector: Z3Native.Z3_ast_vector_inc_ref(n, h); break;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown native reference kind");
        }

        ThrowIfError();
        Interlocked.Increment(ref liveReferences);
    }

    /// <summary>Gives a reference back now (owning thread) or at the owner's next call (other threads).</summary>
    internal void Release(NativeRefKind kind, nint h)
    {
        if (handle == 0)
        {
            return; // the context is gone and took every object with it
        }

        if (Environment.CurrentManagedThreadId != ownerThread)
        {
            DeferRelease(kind, h);
            return;
        }

        DecRef(kind, h);
    }

    internal void DeferRelease(NativeRefKind kind, nint h)
    {
        if (handle != 0)
        {
            deferredReleases.Enqueue((kind, h));
        }
    }

    private void DrainDeferredReleases()
    {
        while (deferredReleases.TryDequeue(out var item))
        {
            DecRef(item.Kind, item.Handle);
        }
    }

    private void DecRef(NativeRefKind kind, nint h)
    {
        var n = handle;
        switch (kind)
        {
            case NativeRefKind.Ast: Z3Native.Z3_dec_ref(n, h); break;
            case NativeRefKind.Solver: Z3Native.Z3_solver_dec_ref(n, h); break;
            case NativeRefKind.Model: Z3Native.Z3_model_dec_ref(n, h); break;
            case NativeRefKind.Params: Z3Native.Z3_params_dec_ref(n, h); break;
            case NativeRefKind.ParamDescrs: Z3Native.Z3_param_descrs_dec_ref(n, h); break;
            case NativeRefKind.Stats: Z3Native.Z3_stats_dec_ref(n, h); break;
            case NativeRefKind.AstVector: Z3Native.Z3_ast_vector_dec_ref(n, h); break;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown native reference kind");
        }

        Interlocked.Decrement(ref liveReferences);
        ThrowIfError();
    }

    private void CheckOwnerThread()
    {
        var current = Environment.CurrentManagedThreadId;
        if (current != ownerThread)
        {
            throw new InvalidOperationException(
                $"This Z3 Context belongs to managed thread {ownerThread} but was used from thread {current}. "
                + "Z3 contexts are not thread-safe: create one Context per worker thread and keep its terms, "
                + "solvers and models on that thread (only Context.Interrupt may be called from elsewhere).");
        }
    }
}
