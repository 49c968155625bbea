/* A pager: a worker task touches pages nobody mapped; each page fault arrives as a fault message
 * on the worker's fault endpoint; the root task maps a fresh frame there and replies "resume". */
#include <verified/libu.h>

#define WORKER_STACK 0x10000000UL
#define LAZY 0x20000000UL
#define PAGES 3

static void worker(u64 done_ep, u64 unused)
{
    (void)unused;
    volatile u64 *p = (volatile u64 *)LAZY;
    u64 sum = 0;
    for (u64 i = 0; i < PAGES; i++) p[i * 512] = i + 1;   /* one write per page */
    for (u64 i = 0; i < PAGES; i++) sum += p[i * 512];
    struct v_msg m = { 0, { sum, 0, 0, 0 }, 0 };
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
    u64 task = v_spawn(&a, bi, worker, done, 0, WORKER_STACK, 100, fault);
    if (task == V_NO_CAP) return 3;

    int faults = 0;
    for (;;) {
        struct v_msg m;
        if (v_recv(ep, V_NO_CAP, &m) != 0) return 4;
        if (m.badge == 2) {
            v_printf("pager: served %d page faults, worker sum %lu\n", faults, m.w[0]);
            return faults == PAGES && m.w[0] == 6 ? 0 : 1;
        }
        if (!(m.info & VABI_INFO_FAULT) || m.w[0] != VFAULT_PAGE_FAULT) {
            v_printf("pager: unexpected message kind %lu at rip 0x%lx\n", m.w[0], m.w[2]);
            return 5;
        }
        u64 frame = v_alloc_object(&a, VOBJ_FRAME, 0);
        if (v_frame_map(frame, task, m.w[1] & ~0xFFFUL, VRIGHT_READ | VRIGHT_WRITE, a.untyped) != 0) return 6;
        faults++;
        struct v_msg r = { 0, { VABI_FAULT_REPLY_RESUME, 0, 0, 0 }, 0 };
        v_reply(V_NO_TRANSFER, &r);
    }
}
