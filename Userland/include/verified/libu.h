/* libu: the user-level runtime of Verified. Syscall stubs for every syscall (numbers and errors
 * come from the generated syscall_abi.h), IPC helpers, a tiny libc, a console printf, the
 * boot-information reader and a helper that starts a task in the caller's image. */
#ifndef VERIFIED_LIBU_H
#define VERIFIED_LIBU_H

#include <stdarg.h>
#include <stddef.h>
#include "syscall_abi.h"

typedef unsigned long u64;
typedef long i64;
typedef unsigned char u8;

#define V_NO_CAP (~0UL)
#define V_NO_TRANSFER 0xFFFFFFFFUL

/* Raw results of one syscall: status (rax) and rdi, rsi, rdx, r10, r8, r9. */
struct v_regs { i64 status; u64 r[6]; };

static inline struct v_regs v_syscall(long n, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
    register u64 rax __asm__("rax") = (u64)n;
    register u64 rdi __asm__("rdi") = a0;
    register u64 rsi __asm__("rsi") = a1;
    register u64 rdx __asm__("rdx") = a2;
    register u64 r10 __asm__("r10") = a3;
    register u64 r8 __asm__("r8") = a4;
    register u64 r9 __asm__("r9") = a5;
    __asm__ volatile("syscall" : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9) : : "rcx", "r11", "memory");
    struct v_regs out = { (i64)rax, { rdi, rsi, rdx, r10, r8, r9 } };
    return out;
}

/* A message: badge (received), four words, info bits (VABI_INFO_*). */
struct v_msg { u64 badge; u64 w[4]; u64 info; };

/* Capability space */
i64 v_cnode_copy(u64 src_cnode, u64 src, u64 dst_cnode, u64 dst, u64 rights);
i64 v_cnode_mint(u64 src_cnode, u64 src, u64 dst_cnode, u64 dst, u64 rights, u64 badge);
i64 v_cnode_move(u64 src_cnode, u64 src, u64 dst_cnode, u64 dst);
i64 v_cnode_mutate(u64 src_cnode, u64 src, u64 dst_cnode, u64 dst, u64 rights, u64 badge);
i64 v_cnode_delete(u64 cnode, u64 index);
i64 v_cnode_revoke(u64 cnode, u64 index);
i64 v_cap_identify(u64 cnode, u64 index, u64 *type, u64 *rights, u64 *badge);
i64 v_untyped_retype(u64 untyped, u64 type, u64 size_bits, u64 dst_cnode, u64 dst, u64 count);

/* IPC and notifications */
i64 v_send(u64 ep, u64 cap, const struct v_msg *m);
i64 v_nbsend(u64 ep, u64 cap, const struct v_msg *m);
i64 v_recv(u64 ep, u64 recv_slot, struct v_msg *m);
i64 v_nbrecv(u64 ep, u64 recv_slot, struct v_msg *m);
i64 v_call(u64 ep, u64 cap, u64 reply_slot, struct v_msg *m);
i64 v_reply(u64 cap, const struct v_msg *m);
i64 v_reply_recv(u64 ep, u64 recv_slot, struct v_msg *m);
i64 v_signal(u64 ntfn);
i64 v_wait(u64 ntfn, u64 *word);
i64 v_poll(u64 ntfn, u64 *word);

/* Tasks */
i64 v_task_configure(u64 task, u64 cspace, u64 fault_ep, u64 priority, u64 grant_table);
i64 v_task_read_register(u64 task, u64 index, u64 *value);
i64 v_task_write_register(u64 task, u64 index, u64 value);
i64 v_task_resume(u64 task);
i64 v_task_suspend(u64 task);
i64 v_task_destroy(u64 task);
i64 v_yield(void);
__attribute__((noreturn)) void v_exit(i64 code);
i64 v_task_id(u64 task, u64 *id);

/* Memory and grants */
i64 v_frame_map(u64 frame, u64 task, u64 va, u64 rights, u64 untyped);
i64 v_frame_unmap(u64 frame);
i64 v_grant_create(u64 grantee, u64 address, u64 length, u64 access, u64 *handle);
i64 v_grant_create_indirect(u64 grantee, u64 granter, u64 handle, u64 offset, u64 length, u64 access, u64 *new_handle);
i64 v_grant_revoke(u64 handle);
i64 v_safecopy_from(u64 granter, u64 handle, u64 offset, void *local, u64 length);
i64 v_safecopy_to(u64 granter, u64 handle, u64 offset, const void *local, u64 length);
i64 v_console_write(u64 console, const void *bytes, u64 length);
i64 v_null(void);

/* Tiny libc */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
char *strcpy(char *dst, const char *src);
int v_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int v_snprintf(char *buf, size_t size, const char *fmt, ...);
/* printf to the console capability in slot v_console (VABI_SLOT_CONSOLE unless changed). */
int v_printf(const char *fmt, ...);
extern u64 v_console;

/* Boot information (the page the kernel maps at VABI_BOOT_INFO_ADDRESS) */
static inline u64 v_bi(const u64 *bi, int word) { return bi[word]; }
u64 v_bi_untyped_count(const u64 *bi);
void v_bi_untyped(const u64 *bi, u64 i, u64 *slot, u64 *paddr, u64 *size_bits);
u64 v_bi_largest_untyped(const u64 *bi);
u64 v_bi_image_va(const u64 *bi, u64 i);
void v_bi_module(const u64 *bi, u64 i, u64 *first_slot, u64 *frames, u64 *length);

/* A bump allocator of root-CNode slots and objects from one untyped. */
struct v_alloc { u64 next_slot; u64 untyped; };
void v_alloc_init(struct v_alloc *a, const u64 *bi);
u64 v_alloc_slot(struct v_alloc *a);
/* Retypes one object into a new slot; returns the slot or V_NO_CAP. */
u64 v_alloc_object(struct v_alloc *a, u64 type, u64 size_bits);

/* Starts a task running entry(arg0, arg1) in a new address space holding the caller's image
 * (code and data frames shared) and a private stack page at stack_va. Returns the task slot. */
u64 v_spawn(struct v_alloc *a, const u64 *bi, void (*entry)(u64, u64), u64 arg0, u64 arg1, u64 stack_va, u64 priority, u64 fault_ep);
/* As v_spawn, but the task gets the capability space `cspace` instead of the caller's root CNode. */
u64 v_spawn_in(struct v_alloc *a, const u64 *bi, void (*entry)(u64, u64), u64 arg0, u64 arg1, u64 stack_va, u64 priority, u64 fault_ep, u64 cspace);

#endif
