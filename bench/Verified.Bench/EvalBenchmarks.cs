using BenchmarkDotNet.Attributes;
using Verified.Spec;

namespace Verified.Bench;

/// <summary>
/// Throughput of the compiled Eval on terms shaped like kernel transitions: a capability-table
/// update guarded by a precondition, with a bounded invariant over a few slots. Terms/s = 1 / mean.
/// Run: dotnet run -c Release --project bench/Verified.Bench -- --filter '*EvalBenchmarks*'
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class EvalBenchmarks
{
    private Term _transitionTerm = null!;
    private CompiledTerm _transition = null!;
    private CompiledTerm _arith = null!;
    private CompiledTerm _revoke = null!;
    private MapValue _objects = null!;
    private Assignment _state = null!;

    [GlobalSetup]
    public void Setup()
    {
        var cap = Sort.Record("Cap", ("obj", Sort.BitVec(16)), ("rights", Sort.BitVec(4)), ("badge", Sort.BitVec(64)), ("parent", Sort.BitVec(16)));
        var capsSort = Sort.Map(Sort.BitVec(16), cap);
        var caps = T.Var("caps", capsSort);
        var src = T.Var("src", Sort.BitVec(16));
        var dst = T.Var("dst", Sort.BitVec(16));
        var mask = T.Var("mask", Sort.BitVec(4));
        var nullObj = T.Bv(16, 0);
        var srcCap = T.Select(caps, src);
        var minted = T.With(T.With(srcCap, "rights", T.BvAnd(T.Field(srcCap, "rights"), mask)), "parent", src);
        var pre = T.And(T.BvUlt(src, T.Bv(16, 4096)), T.BvUlt(dst, T.Bv(16, 4096)), T.Neq(T.Field(srcCap, "obj"), nullObj),
            T.Eq(T.Field(T.Select(caps, dst), "obj"), nullObj));
        var post = T.Var("post", capsSort);
        var i = T.Var("i", Sort.BitVec(16));
        // "no rights amplification" over the touched slots and a few neighbours
        var inv = T.ForAllIn(i, [src, dst, T.BvAdd(src, T.Bv(16, 1)), T.BvAdd(dst, T.Bv(16, 1))],
            T.Implies(T.Neq(T.Field(T.Select(post, i), "obj"), nullObj),
                T.Eq(T.BvAnd(T.Field(T.Select(post, i), "rights"), T.BvNot(T.Field(T.Select(caps, T.Field(T.Select(post, i), "parent")), "rights"))), T.Bv(4, 0))));
        _transitionTerm = T.Implies(pre, T.Let(post, T.Store(caps, dst, minted), inv));
        _transition = Eval.Compile(_transitionTerm);

        var x = T.Var("x", Sort.BitVec(64));
        var y = T.Var("y", Sort.BitVec(64));
        _arith = Eval.Compile(T.Eq(T.BvAdd(T.BvMul(x, y), T.BvUrem(x, T.BvOr(y, T.Bv(64, 1)))), T.BvXor(T.BvLshr(x, T.Bv(64, 3)), y)));

        var k = T.Var("k", Sort.BitVec(16));
        var v = T.Var("v", cap);
        _revoke = Eval.Compile(T.MapUpdateWhere(caps, k, v,
            T.And(T.Neq(T.Field(v, "obj"), nullObj), T.Eq(T.Field(v, "parent"), src)), T.Record(cap, nullObj, T.Bv(4, 0), T.Bv(64, 0), T.Bv(16, 0))));

        var empty = new RecordValue(cap, [new BitVecValue(16, 0), new BitVecValue(4, 0), new BitVecValue(64, 0), new BitVecValue(16, 0)]);
        var table = MapValue.Const(capsSort, empty);
        for (ulong s = 1; s <= 64; s++)
            table = table.Store(new BitVecValue(16, s), new RecordValue(cap, [new BitVecValue(16, s), new BitVecValue(4, 0xf), new BitVecValue(64, s), new BitVecValue(16, s / 2)]));
        // A kernel-state-like map: 100 object ids with 32-bit values.
        var objects = MapValue.Const(Sort.Map(Sort.BitVec(16), Sort.BitVec(32)), new BitVecValue(32, 0));
        for (ulong o = 1; o <= 100; o++) objects = objects.Store(new BitVecValue(16, o * 3), new BitVecValue(32, o));
        _objects = objects;

        _state = Assignment.Of((caps, table), (src, new BitVecValue(16, 3)), (dst, new BitVecValue(16, 100)), (mask, new BitVecValue(4, 0b0101)),
            (x, new BitVecValue(64, 0x1234_5678_9abc_def0)), (y, new BitVecValue(64, 77)));
    }

    [Benchmark(Description = "mint transition + bounded invariant")]
    public Value Transition() => _transition.Evaluate(_state);

    [Benchmark(Description = "compile (no cache) + evaluate the mint transition")]
    public Value CompileAndTransition() => new EvalCompiler().Compile(_transitionTerm).Evaluate(_state);

    [Benchmark(Description = "64-bit arithmetic equation")]
    public Value Arithmetic() => _arith.Evaluate(_state);

    [Benchmark(Description = "revoke children: MapUpdateWhere over 64 caps")]
    public Value Revoke() => _revoke.Evaluate(_state);

    [Benchmark(Description = "store chain: 8 stores into a 100-entry map, then 32 selects and a comparison")]
    public bool StoreChain()
    {
        var m = _objects;
        for (ulong i = 0; i < 8; i++) m = m.Store(new BitVecValue(16, i * 37 % 300), new BitVecValue(32, i + 1000));
        ulong sum = 0;
        for (ulong i = 0; i < 32; i++) sum += ((BitVecValue)m.Select(new BitVecValue(16, i * 3))).Bits;
        return sum != 0 && !m.Equals(_objects);
    }
}
