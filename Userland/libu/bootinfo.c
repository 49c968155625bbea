/* Boot-information reader and the slot/object allocator the examples use. */
#include <verified/libu.h>

u64 v_bi_untyped_count(const u64 *bi) { return bi[VABI_BI_UNTYPED_COUNT]; }

void v_bi_untyped(const u64 *bi, u64 i, u64 *slot, u64 *paddr, u64 *size_bits)
{
    const u64 *t = bi + bi[VABI_BI_UNTYPED_TABLE];
    if (slot) *slot = bi[VABI_BI_UNTYPED_FIRST_SLOT] + i;
    if (paddr) *paddr = t[2 * i];
    if (size_bits) *size_bits = t[2 * i + 1];
}

u64 v_bi_largest_untyped(const u64 *bi)
{
    u64 best = 0, best_bits = 0;
    for (u64 i = 0; i < v_bi_untyped_count(bi); i++) {
        u64 slot, paddr, bits;
        v_bi_untyped(bi, i, &slot, &paddr, &bits);
        if (bits > best_bits) { best = slot; best_bits = bits; }
    }
    return best;
}

u64 v_bi_image_va(const u64 *bi, u64 i) { return bi[bi[VABI_BI_IMAGE_TABLE] + i]; }

void v_bi_module(const u64 *bi, u64 i, u64 *first_slot, u64 *frames, u64 *length)
{
    const u64 *t = bi + bi[VABI_BI_MODULE_TABLE] + 3 * i;
    if (first_slot) *first_slot = t[0];
    if (frames) *frames = t[1];
    if (length) *length = t[2];
}

void v_alloc_init(struct v_alloc *a, const u64 *bi)
{
    a->next_slot = bi[VABI_BI_FIRST_FREE_SLOT];
    a->untyped = v_bi_largest_untyped(bi);
}

u64 v_alloc_slot(struct v_alloc *a) { return a->next_slot++; }

u64 v_alloc_object(struct v_alloc *a, u64 type, u64 size_bits)
{
    u64 slot = v_alloc_slot(a);
    if (v_untyped_retype(a->untyped, type, size_bits, VABI_SLOT_ROOT_CNODE, slot, 1) != 0) return V_NO_CAP;
    return slot;
}

u64 v_spawn(struct v_alloc *a, const u64 *bi, void (*entry)(u64, u64), u64 arg0, u64 arg1, u64 stack_va, u64 priority, u64 fault_ep)
{
    return v_spawn_in(a, bi, entry, arg0, arg1, stack_va, priority, fault_ep, VABI_SLOT_ROOT_CNODE);
}

u64 v_spawn_in(struct v_alloc *a, const u64 *bi, void (*entry)(u64, u64), u64 arg0, u64 arg1, u64 stack_va, u64 priority, u64 fault_ep, u64 cspace)
{
    u64 task = v_alloc_object(a, VOBJ_TASK, 0);
    if (task == V_NO_CAP) return V_NO_CAP;
    /* The image: map a copy of each of the caller's image frame capabilities (a frame capability
     * records one mapping), with the rights the caller's capability has. */
    for (u64 i = 0; i < bi[VABI_BI_IMAGE_COUNT]; i++) {
        u64 src = bi[VABI_BI_IMAGE_FIRST_SLOT] + i, copy = v_alloc_slot(a), rights = 0;
        if (v_cnode_copy(VABI_SLOT_ROOT_CNODE, src, VABI_SLOT_ROOT_CNODE, copy, VRIGHT_READ | VRIGHT_WRITE) != 0) return V_NO_CAP;
        v_cap_identify(VABI_SLOT_ROOT_CNODE, copy, 0, &rights, 0);
        if (v_frame_map(copy, task, v_bi_image_va(bi, i), rights & (VRIGHT_READ | VRIGHT_WRITE), a->untyped) != 0) return V_NO_CAP;
    }
    u64 stack = v_alloc_object(a, VOBJ_FRAME, 0);
    if (stack == V_NO_CAP || v_frame_map(stack, task, stack_va, VRIGHT_READ | VRIGHT_WRITE, a->untyped) != 0) return V_NO_CAP;
    if (v_task_configure(task, cspace, fault_ep, priority, V_NO_CAP) != 0) return V_NO_CAP;
    v_task_write_register(task, VABI_REG_RIP, (u64)entry);
    v_task_write_register(task, 4 /* rsp */, stack_va + 4096 - 8);
    v_task_write_register(task, 7 /* rdi */, arg0);
    v_task_write_register(task, 6 /* rsi */, arg1);
    if (v_task_resume(task) != 0) return V_NO_CAP;
    return task;
}
