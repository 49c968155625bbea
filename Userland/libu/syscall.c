/* Syscall stubs: one per syscall, each a thin wrapper over v_syscall (ABI in DESIGN.md). */
#include <verified/libu.h>

_Static_assert(VSYS_EXIT == 25, "crt0.S hard-codes the Exit number");

#define S(n, a0, a1, a2, a3, a4, a5) v_syscall((n), (a0), (a1), (a2), (a3), (a4), (a5))

i64 v_cnode_copy(u64 sc, u64 s, u64 dc, u64 d, u64 rights) { return S(VSYS_CNODE_COPY, sc, s, dc, d, rights, 0).status; }
i64 v_cnode_mint(u64 sc, u64 s, u64 dc, u64 d, u64 rights, u64 badge) { return S(VSYS_CNODE_MINT, sc, s, dc, d, rights, badge).status; }
i64 v_cnode_move(u64 sc, u64 s, u64 dc, u64 d) { return S(VSYS_CNODE_MOVE, sc, s, dc, d, 0, 0).status; }
i64 v_cnode_mutate(u64 sc, u64 s, u64 dc, u64 d, u64 rights, u64 badge) { return S(VSYS_CNODE_MUTATE, sc, s, dc, d, rights, badge).status; }
i64 v_cnode_delete(u64 c, u64 i) { return S(VSYS_CNODE_DELETE, c, i, 0, 0, 0, 0).status; }
i64 v_cnode_revoke(u64 c, u64 i) { return S(VSYS_CNODE_REVOKE, c, i, 0, 0, 0, 0).status; }

i64 v_cap_identify(u64 c, u64 i, u64 *type, u64 *rights, u64 *badge)
{
    struct v_regs r = S(VSYS_CAP_IDENTIFY, c, i, 0, 0, 0, 0);
    if (type) *type = r.r[0];
    if (rights) *rights = r.r[1];
    if (badge) *badge = r.r[2];
    return r.status;
}

i64 v_untyped_retype(u64 u, u64 type, u64 bits, u64 dc, u64 d, u64 count) { return S(VSYS_UNTYPED_RETYPE, u, type, bits, dc, d, count).status; }

static i64 take(struct v_regs r, struct v_msg *m)
{
    if (m && r.status == 0) {
        m->badge = r.r[0];
        m->w[0] = r.r[1]; m->w[1] = r.r[2]; m->w[2] = r.r[3]; m->w[3] = r.r[4];
        m->info = r.r[5];
    }
    return r.status;
}

i64 v_send(u64 ep, u64 cap, const struct v_msg *m) { return S(VSYS_SEND, ep, cap, m->w[0], m->w[1], m->w[2], m->w[3]).status; }
i64 v_nbsend(u64 ep, u64 cap, const struct v_msg *m) { return S(VSYS_NB_SEND, ep, cap, m->w[0], m->w[1], m->w[2], m->w[3]).status; }
i64 v_recv(u64 ep, u64 slot, struct v_msg *m) { return take(S(VSYS_RECV, ep, slot, 0, 0, 0, 0), m); }
i64 v_nbrecv(u64 ep, u64 slot, struct v_msg *m) { return take(S(VSYS_NB_RECV, ep, slot, 0, 0, 0, 0), m); }

i64 v_call(u64 ep, u64 cap, u64 reply_slot, struct v_msg *m)
{
    u64 arg = (cap & 0xFFFFFFFFUL) | ((reply_slot & 0xFFFFFFFFUL) << 32);
    return take(S(VSYS_CALL, ep, arg, m->w[0], m->w[1], m->w[2], m->w[3]), m);
}

i64 v_reply(u64 cap, const struct v_msg *m) { return S(VSYS_REPLY, 0, cap, m->w[0], m->w[1], m->w[2], m->w[3]).status; }
i64 v_reply_recv(u64 ep, u64 slot, struct v_msg *m) { return take(S(VSYS_REPLY_RECV, ep, slot, m->w[0], m->w[1], m->w[2], m->w[3]), m); }
i64 v_signal(u64 n) { return S(VSYS_SIGNAL, n, 0, 0, 0, 0, 0).status; }

i64 v_wait(u64 n, u64 *word)
{
    struct v_regs r = S(VSYS_WAIT, n, 0, 0, 0, 0, 0);
    if (word) *word = r.r[0];
    return r.status;
}

i64 v_poll(u64 n, u64 *word)
{
    struct v_regs r = S(VSYS_POLL, n, 0, 0, 0, 0, 0);
    if (word) *word = r.r[0];
    return r.status;
}

i64 v_task_configure(u64 t, u64 cs, u64 fep, u64 prio, u64 gt) { return S(VSYS_TASK_CONFIGURE, t, cs, fep, prio, gt, 0).status; }

i64 v_task_read_register(u64 t, u64 i, u64 *value)
{
    struct v_regs r = S(VSYS_TASK_READ_REGISTER, t, i, 0, 0, 0, 0);
    if (value) *value = r.r[0];
    return r.status;
}

i64 v_task_write_register(u64 t, u64 i, u64 v) { return S(VSYS_TASK_WRITE_REGISTER, t, i, v, 0, 0, 0).status; }
i64 v_task_resume(u64 t) { return S(VSYS_TASK_RESUME, t, 0, 0, 0, 0, 0).status; }
i64 v_task_suspend(u64 t) { return S(VSYS_TASK_SUSPEND, t, 0, 0, 0, 0, 0).status; }
i64 v_task_destroy(u64 t) { return S(VSYS_TASK_DESTROY, t, 0, 0, 0, 0, 0).status; }
i64 v_yield(void) { return S(VSYS_YIELD, 0, 0, 0, 0, 0, 0).status; }

void v_exit(i64 code)
{
    S(VSYS_EXIT, (u64)code, 0, 0, 0, 0, 0);
    for (;;) __asm__ volatile("ud2");
}

i64 v_task_id(u64 t, u64 *id)
{
    struct v_regs r = S(VSYS_TASK_ID, t, 0, 0, 0, 0, 0);
    if (id) *id = r.r[0];
    return r.status;
}

i64 v_frame_map(u64 f, u64 t, u64 va, u64 rights, u64 u) { return S(VSYS_FRAME_MAP, f, t, va, rights, u, 0).status; }
i64 v_frame_unmap(u64 f) { return S(VSYS_FRAME_UNMAP, f, 0, 0, 0, 0, 0).status; }

i64 v_grant_create(u64 grantee, u64 addr, u64 len, u64 access, u64 *handle)
{
    struct v_regs r = S(VSYS_GRANT_CREATE, grantee, addr, len, access, 0, 0);
    if (handle) *handle = r.r[0];
    return r.status;
}

i64 v_grant_create_indirect(u64 grantee, u64 granter, u64 h, u64 off, u64 len, u64 access, u64 *handle)
{
    struct v_regs r = S(VSYS_GRANT_CREATE_INDIRECT, grantee, granter, h, off, len, access);
    if (handle) *handle = r.r[0];
    return r.status;
}

i64 v_grant_revoke(u64 h) { return S(VSYS_GRANT_REVOKE, h, 0, 0, 0, 0, 0).status; }
i64 v_safecopy_from(u64 g, u64 h, u64 off, void *local, u64 len) { return S(VSYS_SAFE_COPY_FROM, g, h, off, (u64)local, len, 0).status; }
i64 v_safecopy_to(u64 g, u64 h, u64 off, const void *local, u64 len) { return S(VSYS_SAFE_COPY_TO, g, h, off, (u64)local, len, 0).status; }
i64 v_console_write(u64 c, const void *b, u64 len) { return S(VSYS_CONSOLE_WRITE, c, (u64)b, len, 0, 0, 0).status; }
i64 v_null(void) { return S(VSYS_NULL, 0, 0, 0, 0, 0, 0).status; }
