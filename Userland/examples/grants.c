/* Grants between two servers (MINIX 3 style): server A grants server B read access to a buffer
 * on A's private stack; B safecopies it; A revokes the grant; B's next safecopy is refused. */
#include <verified/libu.h>

#define A_STACK 0x10000000UL
#define B_STACK 0x10010000UL

static u64 ep_ab, ep_root, b_id;

static void server_a(u64 unused0, u64 unused1)
{
    (void)unused0; (void)unused1;
    char buffer[32];
    strcpy(buffer, "hello through a grant");
    u64 handle = 0, me = 0;
    v_task_id(V_NO_CAP, &me);
    if (v_grant_create(b_id, (u64)buffer, sizeof buffer, VGRANT_READ, &handle) != 0) v_exit(20);
    struct v_msg m = { 0, { me, handle, 0, 0 }, 0 };
    v_call(ep_ab, V_NO_TRANSFER, V_NO_CAP, &m);       /* B copies, then replies */
    v_grant_revoke(handle);
    m.w[0] = me; m.w[1] = handle;
    v_call(ep_ab, V_NO_TRANSFER, V_NO_CAP, &m);       /* B tries again */
    v_exit(0);
}

static void server_b(u64 unused0, u64 unused1)
{
    (void)unused0; (void)unused1;
    char copy[32];
    struct v_msg m;
    v_recv(ep_ab, V_NO_CAP, &m);
    i64 first = v_safecopy_from(m.w[0], m.w[1], 0, copy, sizeof copy);
    v_reply_recv(ep_ab, V_NO_CAP, &m);
    char again[32];
    i64 second = v_safecopy_from(m.w[0], m.w[1], 0, again, sizeof again);
    v_reply(V_NO_TRANSFER, &m);
    struct v_msg r = { 0, { (u64)first, (u64)second, 0, 0 }, 0 };
    v_printf("grants: B copied \"%s\" (status %ld); after revoke: status %ld\n", first == 0 ? copy : "", first, second);
    v_send(ep_root, V_NO_TRANSFER, &r);
    v_exit(0);
}

int main(const u64 *bi)
{
    struct v_alloc a;
    v_alloc_init(&a, bi);
    ep_ab = v_alloc_object(&a, VOBJ_ENDPOINT, 0);
    ep_root = v_alloc_object(&a, VOBJ_ENDPOINT, 0);
    u64 gta = v_alloc_object(&a, VOBJ_GRANT_TABLE, 4);
    /* B first, at a lower priority than the root so that its id is known before A starts. */
    u64 b = v_spawn(&a, bi, server_b, 0, 0, B_STACK, 100, V_NO_CAP);
    v_task_id(b, &b_id);
    u64 atask = v_spawn(&a, bi, server_a, 0, 0, A_STACK, 100, V_NO_CAP);
    if (b == V_NO_CAP || atask == V_NO_CAP) return 3;
    if (v_task_configure(atask, VABI_SLOT_ROOT_CNODE, V_NO_CAP, 100, gta) != 0) return 4;
    struct v_msg m;
    if (v_recv(ep_root, V_NO_CAP, &m) != 0) return 5;
    return (i64)m.w[0] == 0 && (i64)m.w[1] == VERR_GRANT_INVALID ? 0 : 1;
}
