/* A supervisor restarts a task that crashes on #UD: the crash arrives as a fault message; the
 * reply "restart" puts the task back at its entry with a fresh stack. The third run succeeds. */
#include <verified/libu.h>

#define STACK 0x10000000UL

static volatile u64 runs;   /* in a data frame the supervisor and the task share */

static void crasher(u64 done_ep, u64 unused)
{
    (void)unused;
    runs++;
    if (runs < 3) __asm__ volatile("ud2");
    struct v_msg m = { 0, { runs, 0, 0, 0 }, 0 };
    v_send(done_ep, V_NO_TRANSFER, &m);
    v_exit(0);
}

int main(const u64 *bi)
{
    struct v_alloc a;
    v_alloc_init(&a, bi);
    u64 ep = v_alloc_object(&a, VOBJ_ENDPOINT, 0);
    u64 fault = v_alloc_slot(&a), done = v_alloc_slot(&a);
    v_cnode_mint(VABI_SLOT_ROOT_CNODE, ep, VABI_SLOT_ROOT_CNODE, fault, VRIGHT_WRITE, 1);
    v_cnode_mint(VABI_SLOT_ROOT_CNODE, ep, VABI_SLOT_ROOT_CNODE, done, VRIGHT_WRITE, 2);
    if (v_spawn(&a, bi, crasher, done, 0, STACK, 100, fault) == V_NO_CAP) return 3;

    int restarts = 0;
    for (;;) {
        struct v_msg m;
        if (v_recv(ep, V_NO_CAP, &m) != 0) return 4;
        if (m.badge == 2) {
            v_printf("supervisor: task crashed on #UD %d times, restarted, finished on run %lu\n", restarts, m.w[0]);
            return restarts == 2 && m.w[0] == 3 ? 0 : 1;
        }
        if (m.w[0] != VFAULT_INVALID_OPCODE) return 5;
        restarts++;
        struct v_msg r = { 0, { VABI_FAULT_REPLY_RESTART, (u64)crasher, STACK + 4096 - 8, 0 }, 0 };
        v_reply(V_NO_TRANSFER, &r);
    }
}
