/* IPC ping-pong with capability transfer. The root task calls a server task ROUNDS times; the
 * first call carries a notification capability (transfer needs the endpoint's grant right);
 * the server finally signals through the capability it received, and the root waits for it. */
#include <verified/libu.h>

#define ROUNDS 10
#define SERVER_STACK 0x10000000UL

static void server(u64 ep, u64 recv_slot)
{
    struct v_msg m;
    if (v_recv(ep, recv_slot, &m) != 0) v_exit(10);
    int got_cap = (m.info & VABI_INFO_CAP_TRANSFERRED) != 0;
    for (;;) {
        if (m.w[0] == 0) break;               /* 0 = stop */
        m.w[0] = m.w[0] + 1000;
        m.w[1] = m.badge;
        if (v_reply_recv(ep, V_NO_CAP, &m) != 0) v_exit(11);
    }
    v_reply(V_NO_TRANSFER, &m);
    if (got_cap) v_signal(recv_slot);
    v_exit(0);
}

int main(const u64 *bi)
{
    struct v_alloc a;
    v_alloc_init(&a, bi);
    u64 ep = v_alloc_object(&a, VOBJ_ENDPOINT, 0);
    u64 ntfn = v_alloc_object(&a, VOBJ_NOTIFICATION, 0);
    u64 badged = v_alloc_slot(&a);
    if (v_cnode_mint(VABI_SLOT_ROOT_CNODE, ep, VABI_SLOT_ROOT_CNODE, badged, VRIGHT_WRITE | VRIGHT_GRANT, 7) != 0) return 2;
    u64 recv_slot = v_alloc_slot(&a);
    if (v_spawn(&a, bi, server, ep, recv_slot, SERVER_STACK, 100, V_NO_CAP) == V_NO_CAP) return 3;

    int ok = 0;
    for (u64 i = 1; i <= ROUNDS; i++) {
        struct v_msg m = { 0, { i, 0, 0, 0 }, 0 };
        if (v_call(badged, i == 1 ? ntfn : V_NO_TRANSFER, V_NO_CAP, &m) != 0) return 4;
        if (m.w[0] == i + 1000 && m.w[1] == 7) ok++;
    }
    struct v_msg stop = { 0, { 0, 0, 0, 0 }, 0 };
    v_call(badged, V_NO_TRANSFER, V_NO_CAP, &stop);
    u64 word = 0;
    if (v_wait(ntfn, &word) != 0) return 5;
    v_printf("ping-pong: %d/%d replies correct, badge 7, signal 0x%lx through the transferred capability\n", ok, ROUNDS, word);
    return ok == ROUNDS && word == 1 ? 0 : 1;
}
