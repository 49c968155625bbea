/* Benchmark: call+reply round trips and null syscalls, measured in guest instructions with
 * rdtsc (the machine's virtual time is its retired-instruction count). */
#include <verified/libu.h>

#define ROUNDS 20000
#define NULLS 20000

static inline u64 rdtsc(void)
{
    unsigned lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((u64)hi << 32) | lo;
}

static void server(u64 ep, u64 unused)
{
    (void)unused;
    struct v_msg m;
    v_recv(ep, V_NO_CAP, &m);
    for (;;) {
        m.w[0]++;
        v_reply_recv(ep, V_NO_CAP, &m);
    }
}

int main(const u64 *bi)
{
    struct v_alloc a;
    v_alloc_init(&a, bi);
    u64 ep = v_alloc_object(&a, VOBJ_ENDPOINT, 0);
    if (v_spawn(&a, bi, server, ep, 0, 0x10000000UL, 100, V_NO_CAP) == V_NO_CAP) return 3;
    struct v_msg m = { 0, { 0, 0, 0, 0 }, 0 };
    for (int i = 0; i < 10; i++) v_call(ep, V_NO_TRANSFER, V_NO_CAP, &m);
    u64 t0 = rdtsc();
    for (int i = 0; i < ROUNDS; i++) v_call(ep, V_NO_TRANSFER, V_NO_CAP, &m);
    u64 t1 = rdtsc();
    for (int i = 0; i < NULLS; i++) v_null();
    u64 t2 = rdtsc();
    v_printf("ipcbench: %d call+reply round trips, %lu guest instructions each; %d null syscalls, %lu guest instructions each\n",
             ROUNDS, (t1 - t0) / ROUNDS, NULLS, (t2 - t1) / NULLS);
    return m.w[0] == ROUNDS + 10 ? 0 : 1;
}
