/* A booted system of 8 tasks (the root and 7 servers waiting in receive), for snapshot
 * benchmarks; the root then waits on a notification nobody signals, so the system settles. */
#include <verified/libu.h>

static void server(u64 ep, u64 unused)
{
    (void)unused;
    struct v_msg m;
    for (;;) v_recv(ep, V_NO_CAP, &m);
}

int main(const u64 *bi)
{
    struct v_alloc a;
    v_alloc_init(&a, bi);
    u64 ep = v_alloc_object(&a, VOBJ_ENDPOINT, 0);
    u64 ntfn = v_alloc_object(&a, VOBJ_NOTIFICATION, 0);
    for (u64 i = 0; i < 7; i++)
        if (v_spawn(&a, bi, server, ep, i, 0x10000000UL + i * 0x10000UL, 100, V_NO_CAP) == V_NO_CAP) return 3;
    v_printf("eighttasks: 7 servers started\n");
    v_yield();
    u64 word;
    v_wait(ntfn, &word);
    return 0;
}
