/* Task migration (checkpoint/restore of one task). The root task starts a stateless server and a
 * client with a capability space of its own: slot 1 a badged endpoint to the server (badge 7,
 * write only), slot 2 a notification to signal when done, slot 3 the console. The client calls
 * the server ROUNDS times, keeps a running total in its own stack memory and prints each step;
 * then it signals and exits. The root waits for the signal and prints the last line.
 *
 * With a boot module present the root is a migration target: it starts the server, creates the
 * endpoint and notification but no client, and waits; the host restores a checkpointed client
 * into it, bound to these objects. Both modes print nothing else, so the console of the source up
 * to the checkpoint followed by the target's console equals an uninterrupted run's console. */
#include <verified/libu.h>

#define ROUNDS 12
#define SERVER_STACK 0x10000000UL
#define CLIENT_STACK 0x20000000UL
#define CLIENT_EP 1
#define CLIENT_DONE 2

/* Stateless: the reply depends only on the request and the badge, so a server in another system
 * answers a migrated client exactly as the first would have. */
static void server(u64 ep, u64 unused)
{
    (void)unused;
    struct v_msg m;
    if (v_recv(ep, V_NO_CAP, &m) != 0) v_exit(10);
    for (;;) {
        m.w[0] = m.w[0] * m.w[0] + m.badge;
        if (v_reply_recv(ep, V_NO_CAP, &m) != 0) v_exit(11);
    }
}

static void client(u64 ep, u64 rounds)
{
    u64 total = 0;
    for (u64 i = 1; i <= rounds; i++) {
        struct v_msg m = { 0, { i, 0, 0, 0 }, 0 };
        if (v_call(ep, V_NO_TRANSFER, V_NO_CAP, &m) != 0) v_exit(20);
        total += m.w[0];
        v_printf("client: call %lu -> %lu, total %lu\n", i, m.w[0], total);
    }
    v_signal(CLIENT_DONE);
    v_exit(0);
}

int main(const u64 *bi)
{
    struct v_alloc a;
    v_alloc_init(&a, bi);
    u64 ep = v_alloc_object(&a, VOBJ_ENDPOINT, 0);
    u64 done = v_alloc_object(&a, VOBJ_NOTIFICATION, 0);
    if (v_spawn(&a, bi, server, ep, 0, SERVER_STACK, 100, V_NO_CAP) == V_NO_CAP) return 3;
    if (v_bi(bi, VABI_BI_MODULE_COUNT) == 0) {
        u64 cspace = v_alloc_object(&a, VOBJ_CNODE, 4);
        if (cspace == V_NO_CAP) return 4;
        if (v_cnode_mint(VABI_SLOT_ROOT_CNODE, ep, cspace, CLIENT_EP, VRIGHT_WRITE, 7) != 0) return 5;
        if (v_cnode_copy(VABI_SLOT_ROOT_CNODE, done, cspace, CLIENT_DONE, VRIGHT_WRITE) != 0) return 6;
        if (v_cnode_copy(VABI_SLOT_ROOT_CNODE, VABI_SLOT_CONSOLE, cspace, VABI_SLOT_CONSOLE, VRIGHT_WRITE) != 0) return 7;
        if (v_spawn_in(&a, bi, client, CLIENT_EP, ROUNDS, CLIENT_STACK, 50, V_NO_CAP, cspace) == V_NO_CAP) return 8;
    }
    u64 word = 0;
    if (v_wait(done, &word) != 0) return 9;
    v_printf("migrate: client finished, signal 0x%lx\n", word);
    return 0;
}
