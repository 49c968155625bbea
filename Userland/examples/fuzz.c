/* Random x86 tasks issuing random syscalls with random (biased) arguments. The seed comes from
 * the first 8 bytes of boot module 0 (mapped by the root task), default 1. Each of four fuzzing
 * tasks has its own small CNode (its task, its CNode, console, an endpoint, a notification, a
 * frame, an untyped, a grant table, another fuzzer's task) so it cannot unmap its own code.
 *
 * Fuzzers die quickly (exit, task destroy, a register written with garbage, their CNode deleted),
 * so the root keeps the population alive: every object of fuzzer i is retyped from its own pool
 * untyped and every capability the root holds for it lies in its own slot range, so the root can
 * take a fuzzer down completely (delete the range, revoke the pool: the untyped's memory is free
 * again) and spawn a fresh one with the next seed. The root keeps its top priority (it must, to
 * configure fuzzers at theirs) and waits on a notification that an idle task below every fuzzer
 * signals, so it wakes only when all fuzzers are blocked or stopped; then a fuzzer that is gone,
 * or made no syscall since the root last looked twice in a row, is recycled, the others are
 * suspended and resumed. The tests check the kernel after every syscall. */
#include <verified/libu.h>

#define MODULE_VA 0x30000000UL
#define STACKS 0x10000000UL
#define FUZZERS 4
#define SLOTS_PER_FUZZER 32
#define POOL_BITS 19

/* In the image's data frames, which every fuzzer shares with the root (v_spawn maps them). */
static volatile u64 progress[FUZZERS];

static u64 next(u64 *s)
{
    *s ^= *s << 13; *s ^= *s >> 7; *s ^= *s << 17;
    return *s;
}

static u64 argument(u64 *s)
{
    u64 v = next(s);
    switch (v % 8) {
    case 0: case 1: return (v >> 8) % 12;                         /* a slot */
    case 2: return V_NO_CAP;
    case 3: return (v >> 8) % 9;                                  /* rights, types, sizes */
    case 4: return STACKS + ((v >> 8) % 4) * 0x10000UL + ((v >> 16) % 4096);
    case 5: return 0xFFFFFFFFUL | (((v >> 8) % 12) << 32);        /* transfer + reply slot */
    case 6: return (v >> 8) % 300;
    default: return v;
    }
}

/* Argument shapes per syscall number, used for half the calls so that multi-argument operations
 * (copy, retype, map, grants, safecopy, IPC with transfer) also succeed, not only fail decode:
 * c own CNode, s slot, e endpoint, o notification, k task, f frame, u untyped, G grant table
 * (each usually the slot spawn put it in, else any), r rights, t object type, z size bits,
 * 1 one, T transfer/receive argument, N slot or none, q priority, g register, v free virtual
 * page, a address (often in the caller's own stack), A grant access, l length, n small, p a value an earlier syscall returned (task ids, grant
 * handles), x anything. */
static const char *const shapes[36] = {
    "", "cscsr", "cscsrn", "cscs", "cscsrn", "cs", "cs", "utzcs1",
    "eTnnnn", "eTnnnn", "eT", "eT", "eTnnnn", "Tnnnn", "eT",
    "o", "o", "o", "kcNqG", "kg", "kgx", "k", "k", "k", "", "n", "k",
    "fkvru", "f", "palA", "ppnnlA", "p", "ppnal", "ppnal", "sal", "cs",
};

static u64 shaped(u64 *s, char kind, const u64 *returned, u64 own_stack)
{
    u64 v = next(s) >> 8;
    switch (kind) {
    case 'c': return v % 8 ? 2 : v % 16;
    case 's': return v % 16;
    case 'e': return v % 4 ? 4 : v % 16;
    case 'o': return v % 4 ? 5 : v % 16;
    case 'k': return v % 3 == 0 ? 1 : v % 3 == 1 ? 9 : v % 16;
    case 'f': return v % 2 ? 6 : v % 16;
    case 'u': return v % 2 ? 7 : v % 16;
    case 'G': return v % 4 ? 8 : V_NO_CAP;
    case 'r': return v % 8;
    case 't': return v % 9;
    case 'z': return v % 13;
    case '1': return 1;
    case 'T': return v % 4 ? (V_NO_TRANSFER | ((v >> 4) % 16) << 32) : ((v >> 4) % 16 | ((v >> 8) % 16) << 32);
    case 'N': return v % 3 ? V_NO_CAP : v % 16;
    case 'q': return 95 + v % 12;
    case 'g': return v % 20;
    case 'v': return 0x20000000UL + (v % 8) * 0x1000UL;
    case 'a': return v % 2 ? own_stack + (v >> 1) % 3072 : v % 4 == 0 ? 0x20000000UL + (v >> 2) % 0x8000 : STACKS + ((v >> 2) % 4) * 0x10000UL + (v >> 4) % 4096;
    case 'A': return 1 + v % 3;
    case 'l': return 1 + v % 64;
    case 'n': return v % 8;
    case 'p': return v % 4 ? returned[v % 8] : (v >> 3) % 4;
    default: return next(s);
    }
}

static void fuzzer(u64 seed, u64 index)
{
    u64 s = seed ? seed : 88172645463325252UL;
    u64 returned[8] = {0}, a[6];
    for (u64 k = 0;; k++) {
        progress[index % FUZZERS]++;
        u64 n = next(&s);
        long number = n % 40 == 0 ? (long)((n >> 8) % 1000) : (long)((n >> 8) % 36);
        if (number == VSYS_EXIT && (n >> 20) % 8 != 0) continue;   /* exit rarely */
        const char *shape = number < 36 && (n >> 24) % 2 ? shapes[number] : 0;
        for (int i = 0; i < 6; i++)
            a[i] = shape ? (*shape ? shaped(&s, *shape++, returned, STACKS + (index % FUZZERS) * 0x10000UL) : 0) : argument(&s);
        struct v_regs r = v_syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
        if (r.status == 0 && (number == VSYS_TASK_ID || number == VSYS_GRANT_CREATE || number == VSYS_GRANT_CREATE_INDIRECT))
            returned[k % 8] = r.r[0];                            /* task ids and grant handles */
    }
}

/* Runs only when every fuzzer is blocked or stopped: wakes the root. */
static void idle(u64 wake, u64 unused)
{
    (void)unused;
    for (;;)
        v_signal(wake);
}

static const u64 *bootinfo;
static u64 ep, ntfn, first_slot;
static u64 pool[FUZZERS], tasks[FUZZERS], used[FUZZERS];

/* A fresh fuzzer i: a task and everything it holds, all from pool i, caps in slot range i. */
static void spawn(u64 i, u64 seed)
{
    struct v_alloc a = { first_slot + i * SLOTS_PER_FUZZER, pool[i] };
    u64 R = VABI_SLOT_ROOT_CNODE, all = VRIGHT_READ | VRIGHT_WRITE | VRIGHT_GRANT;
    /* Priority 0 (below the idle task, which never blocks) until configured: it must not run
     * with the root's CNode, which v_spawn gives it. */
    u64 t = v_spawn(&a, bootinfo, fuzzer, seed, i, STACKS + i * 0x10000UL, 0, V_NO_CAP);
    u64 c = v_alloc_object(&a, VOBJ_CNODE, 4);
    tasks[i] = t;
    used[i] = a.next_slot - (first_slot + i * SLOTS_PER_FUZZER);
    if (t == V_NO_CAP || c == V_NO_CAP) return;                   /* recycled again next round */
    v_task_suspend(t);
    v_cnode_copy(R, t, c, 1, all);
    v_cnode_copy(R, c, c, 2, all);
    v_cnode_copy(R, VABI_SLOT_CONSOLE, c, 3, all);
    v_cnode_mint(R, ep, c, 4, all, i + 1);
    v_cnode_mint(R, ntfn, c, 5, all, 1UL << i);
    v_untyped_retype(pool[i], VOBJ_FRAME, 0, c, 6, 1);
    v_untyped_retype(pool[i], VOBJ_UNTYPED, 16, c, 7, 1);
    v_untyped_retype(pool[i], VOBJ_GRANT_TABLE, 2, c, 8, 1);
    if (tasks[(i + 1) % FUZZERS] != V_NO_CAP)
        v_cnode_copy(R, tasks[(i + 1) % FUZZERS], c, 9, all);
    v_task_configure(t, c, V_NO_CAP, 100 + i % 2, V_NO_CAP);
    v_task_resume(t);
}

/* Takes fuzzer i down: its slots emptied (image frame copies unmapped), then everything retyped
 * from its pool revoked, which finalises its task, CNode and objects and frees the pool. */
static void recycle(u64 i)
{
    for (u64 s = 0; s < used[i]; s++)
        v_cnode_delete(VABI_SLOT_ROOT_CNODE, first_slot + i * SLOTS_PER_FUZZER + s);
    v_cnode_revoke(VABI_SLOT_ROOT_CNODE, pool[i]);
    tasks[i] = V_NO_CAP;
}

int main(const u64 *bi)
{
    struct v_alloc a;
    v_alloc_init(&a, bi);
    bootinfo = bi;
    u64 seed = 1;
    if (bi[VABI_BI_MODULE_COUNT] > 0) {
        u64 first, frames, length;
        v_bi_module(bi, 0, &first, &frames, &length);
        if (length >= 8 && v_frame_map(first, VABI_SLOT_ROOT_TASK, MODULE_VA, VRIGHT_READ, a.untyped) == 0)
            seed = *(volatile u64 *)MODULE_VA;
    }
    ep = v_alloc_object(&a, VOBJ_ENDPOINT, 0);
    ntfn = v_alloc_object(&a, VOBJ_NOTIFICATION, 0);
    for (u64 i = 0; i < FUZZERS; i++) {
        pool[i] = v_alloc_object(&a, VOBJ_UNTYPED, POOL_BITS);
        tasks[i] = V_NO_CAP;
        if (ep == V_NO_CAP || ntfn == V_NO_CAP || pool[i] == V_NO_CAP) return 3;
    }
    u64 wake = v_alloc_object(&a, VOBJ_NOTIFICATION, 0);
    if (wake == V_NO_CAP || v_spawn(&a, bi, idle, wake, 0, STACKS + FUZZERS * 0x10000UL, 1, V_NO_CAP) == V_NO_CAP) return 3;
    first_slot = a.next_slot;
    u64 generation = 0, last[FUZZERS] = {0}, idle[FUZZERS] = {0};
    for (u64 i = 0; i < FUZZERS; i++)
        spawn(i, seed * 4 + i);
    for (;;) {
        u64 word;
        v_wait(wake, &word);
        for (u64 i = 0; i < FUZZERS; i++) {
            u64 p = progress[i];
            int gone = tasks[i] == V_NO_CAP || v_task_suspend(tasks[i]) != 0;
            idle[i] = p == last[i] ? idle[i] + 1 : 0;
            last[i] = p;
            if (gone || idle[i] >= 2) {
                recycle(i);
                spawn(i, (seed * 4 + i) ^ (++generation * 0x9E3779B97F4A7C15UL));
                idle[i] = 0;
            } else {
                v_task_resume(tasks[i]);
            }
        }
    }
}
