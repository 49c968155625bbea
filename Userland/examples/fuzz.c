/* Random x86 tasks issuing random syscalls with random (biased) arguments. The seed comes from
 * the first 8 bytes of boot module 0 (mapped by the root task), default 1. Each of four fuzzing
 * tasks has its own small CNode (its task, its CNode, console, an endpoint, a notification, a
 * frame, an untyped, a grant table, another fuzzer's task) so it cannot unmap its own code; the
 * root drops below them and, whenever they are all blocked or stopped, suspends and resumes each
 * one to keep them going. The tests check the kernel after every syscall. */
#include <verified/libu.h>

#define MODULE_VA 0x30000000UL
#define STACKS 0x10000000UL

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

static void fuzzer(u64 seed, u64 unused)
{
    (void)unused;
    u64 s = seed ? seed : 88172645463325252UL;
    for (;;) {
        u64 n = next(&s);
        long number = n % 40 == 0 ? (long)((n >> 8) % 1000) : (long)((n >> 8) % 36);
        if (number == VSYS_EXIT && (n >> 20) % 8 != 0) continue;   /* exit rarely */
        v_syscall(number, argument(&s), argument(&s), argument(&s), argument(&s), argument(&s), argument(&s));
    }
}

int main(const u64 *bi)
{
    struct v_alloc a;
    v_alloc_init(&a, bi);
    u64 seed = 1;
    if (bi[VABI_BI_MODULE_COUNT] > 0) {
        u64 first, frames, length;
        v_bi_module(bi, 0, &first, &frames, &length);
        if (length >= 8 && v_frame_map(first, VABI_SLOT_ROOT_TASK, MODULE_VA, VRIGHT_READ, a.untyped) == 0)
            seed = *(volatile u64 *)MODULE_VA;
    }
    u64 ep = v_alloc_object(&a, VOBJ_ENDPOINT, 0);
    u64 ntfn = v_alloc_object(&a, VOBJ_NOTIFICATION, 0);
    u64 tasks[4], cnodes[4];
    for (u64 i = 0; i < 4; i++) {
        tasks[i] = v_spawn(&a, bi, fuzzer, seed * 4 + i, 0, STACKS + i * 0x10000UL, 100 + i % 2, V_NO_CAP);
        cnodes[i] = v_alloc_object(&a, VOBJ_CNODE, 4);
        if (tasks[i] == V_NO_CAP || cnodes[i] == V_NO_CAP) return 3;
    }
    for (u64 i = 0; i < 4; i++) {
        u64 c = cnodes[i], R = VABI_SLOT_ROOT_CNODE, all = VRIGHT_READ | VRIGHT_WRITE | VRIGHT_GRANT;
        v_task_suspend(tasks[i]);
        v_cnode_copy(R, tasks[i], c, 1, all);
        v_cnode_copy(R, c, c, 2, all);
        v_cnode_copy(R, VABI_SLOT_CONSOLE, c, 3, all);
        v_cnode_mint(R, ep, c, 4, all, i + 1);
        v_cnode_mint(R, ntfn, c, 5, all, 1UL << i);
        v_untyped_retype(a.untyped, VOBJ_FRAME, 0, c, 6, 1);
        v_untyped_retype(a.untyped, VOBJ_UNTYPED, 16, c, 7, 1);
        v_untyped_retype(a.untyped, VOBJ_GRANT_TABLE, 2, c, 8, 1);
        v_cnode_copy(R, tasks[(i + 1) % 4], c, 9, all);
        v_task_configure(tasks[i], c, V_NO_CAP, 100 + i % 2, V_NO_CAP);
        v_task_resume(tasks[i]);
    }
    /* Below the fuzzers: run only when all of them are blocked or stopped, then restart them. */
    v_task_configure(VABI_SLOT_ROOT_TASK, VABI_SLOT_ROOT_CNODE, V_NO_CAP, 10, V_NO_CAP);
    for (;;) {
        for (u64 i = 0; i < 4; i++) {
            v_task_suspend(tasks[i]);
            v_task_resume(tasks[i]);
        }
    }
}
