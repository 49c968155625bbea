/*
 * Differential harness: runs instruction sequences on the host CPU, many per process.
 *
 * The guest code, data and stack live at fixed virtual addresses (MAP_FIXED_NOREPLACE), the same
 * ones the emulator maps, so every address a sequence computes is identical on both sides.
 * A trampoline loads all 16 general registers and the arithmetic flags, jumps to the code, and
 * the code ends with `jmp [rip+0]` back to the trampoline, which stores them again. Only `mov`
 * is used around the guest code so no flag is disturbed, and the guest stack is never written
 * by the trampoline (it switches stacks before pushfq/popfq).
 *
 * A case that faults natively (SIGFPE for #DE, SIGSEGV, SIGILL, SIGTRAP) is caught on an
 * alternate signal stack; the registers at the fault come from the signal context, and the
 * harness continues with the next case.
 *
 * Protocol (little-endian binary, stdin -> stdout): batches until end of input, each a u32 case
 * count and that many requests; the answers of a batch are flushed when it is done.
 *   request:  u32 codeLength, code bytes, u64 registers[16] (encoding order), u64 rflags,
 *             u64 memorySeed, u64 gsBase (set with arch_prctl; glibc does not use GS, only FS)
 *   response: u32 signal (0 = reached the end), u64 faultRip, u32 si_code, u64 si_addr,
 *             u64 registers[16], u64 rflags, u32 changedCount, changedCount x (u32 offset, u64 value)
 * For SIGSEGV, si_code tells a page fault (SEGV_MAPERR/SEGV_ACCERR, si_addr = CR2) from a
 * general-protection fault (SI_KERNEL).
 * Memory (data page then stack page, as one 8 KiB region) starts as splitmix64(memorySeed)
 * words; the response lists every 8-byte word that differs at the end.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <asm/prctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#define CODE_ADDR 0x61000000UL
#define CODE_SIZE 0x10000UL
#define DATA_ADDR 0x60000000UL
#define PAGE 4096UL
#define STACK_ADDR (DATA_ADDR + PAGE)
#define MEM_WORDS (2 * PAGE / 8)

struct context {
    uint64_t regs[16]; /* rax rcx rdx rbx rsp rbp rsi rdi r8..r15 */
    uint64_t rflags;
    uint64_t entry;
};

struct context *volatile harness_ctx;
volatile uint64_t harness_host_rsp;
volatile uint64_t harness_tmp;

extern void harness_run(struct context *ctx);
extern char harness_exit[];

__asm__(
    ".intel_syntax noprefix\n"
    ".text\n"
    ".globl harness_run\n"
    "harness_run:\n"
    "  push rbx\n  push rbp\n  push r12\n  push r13\n  push r14\n  push r15\n"
    "  mov [rip+harness_ctx], rdi\n"
    "  mov [rip+harness_host_rsp], rsp\n"
    "  push qword ptr [rdi+128]\n"
    "  popfq\n"
    "  mov rax, [rdi+136]\n  mov [rip+harness_tmp], rax\n"
    "  mov rax, [rdi+0]\n  mov rcx, [rdi+8]\n  mov rdx, [rdi+16]\n  mov rbx, [rdi+24]\n"
    "  mov rsp, [rdi+32]\n  mov rbp, [rdi+40]\n  mov rsi, [rdi+48]\n"
    "  mov r8, [rdi+64]\n  mov r9, [rdi+72]\n  mov r10, [rdi+80]\n  mov r11, [rdi+88]\n"
    "  mov r12, [rdi+96]\n  mov r13, [rdi+104]\n  mov r14, [rdi+112]\n  mov r15, [rdi+120]\n"
    "  mov rdi, [rdi+56]\n"
    "  jmp qword ptr [rip+harness_tmp]\n"
    ".globl harness_exit\n"
    "harness_exit:\n"
    "  mov [rip+harness_tmp], rax\n"
    "  mov rax, [rip+harness_ctx]\n"
    "  mov [rax+8], rcx\n  mov [rax+16], rdx\n  mov [rax+24], rbx\n  mov [rax+32], rsp\n"
    "  mov [rax+40], rbp\n  mov [rax+48], rsi\n  mov [rax+56], rdi\n"
    "  mov [rax+64], r8\n  mov [rax+72], r9\n  mov [rax+80], r10\n  mov [rax+88], r11\n"
    "  mov [rax+96], r12\n  mov [rax+104], r13\n  mov [rax+112], r14\n  mov [rax+120], r15\n"
    "  mov rsp, [rip+harness_host_rsp]\n"
    "  pushfq\n  pop rcx\n  mov [rax+128], rcx\n"
    "  mov rcx, [rip+harness_tmp]\n  mov [rax+0], rcx\n"
    "  cld\n"
    "  pop r15\n  pop r14\n  pop r13\n  pop r12\n  pop rbp\n  pop rbx\n"
    "  ret\n"
    ".att_syntax prefix\n");

static sigjmp_buf fault_jump;
static volatile int fault_signal;
static volatile uint64_t fault_rip;
static volatile int fault_code;
static volatile uint64_t fault_addr;
static struct context fault_ctx;

static void on_fault(int sig, siginfo_t *info, void *raw)
{
    ucontext_t *uc = raw;
    greg_t *g = uc->uc_mcontext.gregs;
    static const int order[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP,
                                  REG_RSI, REG_RDI, REG_R8,  REG_R9,  REG_R10, REG_R11,
                                  REG_R12, REG_R13, REG_R14, REG_R15};
    for (int i = 0; i < 16; i++)
        fault_ctx.regs[i] = (uint64_t)g[order[i]];
    fault_ctx.rflags = (uint64_t)g[REG_EFL];
    fault_signal = sig;
    fault_rip = (uint64_t)g[REG_RIP];
    fault_code = info->si_code;
    fault_addr = (uint64_t)info->si_addr;
    siglongjmp(fault_jump, 1);
}

static uint64_t splitmix(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static int read_all(void *p, size_t n)
{
    return fread(p, 1, n, stdin) == n;
}

static void write_all(const void *p, size_t n)
{
    if (fwrite(p, 1, n, stdout) != n)
        exit(3);
}

static void *map_fixed(uint64_t addr, size_t size, int prot)
{
    void *p = mmap((void *)addr, size, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p != (void *)addr) {
        fprintf(stderr, "harness: cannot map %#lx\n", (unsigned long)addr);
        exit(3);
    }
    return p;
}

int main(void)
{
    uint8_t *code = map_fixed(CODE_ADDR, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC);
    uint64_t *mem = map_fixed(DATA_ADDR, 2 * PAGE, PROT_READ | PROT_WRITE);
    static uint64_t initial[MEM_WORDS];

    static uint8_t altstack[65536];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGFPE, SIGSEGV, SIGILL, SIGTRAP, SIGBUS};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);

    static struct context ctx;
    uint32_t remaining = 0;
    for (;;) {
        if (remaining == 0) {
            fflush(stdout);
            if (!read_all(&remaining, 4))
                break;
            if (remaining == 0)
                continue;
        }
        remaining--;
        uint32_t len;
        if (!read_all(&len, 4)) {
            fprintf(stderr, "harness: truncated request\n");
            return 2;
        }
        if (len > CODE_SIZE - 16) {
            fprintf(stderr, "harness: code of %u bytes is too long\n", len);
            return 2;
        }
        uint64_t seed, gs_base;
        if (!read_all(code, len) || !read_all(ctx.regs, sizeof ctx.regs) ||
            !read_all(&ctx.rflags, 8) || !read_all(&seed, 8) || !read_all(&gs_base, 8)) {
            fprintf(stderr, "harness: truncated request\n");
            return 2;
        }
        /* jmp qword ptr [rip+0]; .quad harness_exit */
        code[len] = 0xFF;
        code[len + 1] = 0x25;
        memset(code + len + 2, 0, 4);
        uint64_t back = (uint64_t)harness_exit;
        memcpy(code + len + 6, &back, 8);
        __builtin___clear_cache((char *)code, (char *)code + len + 14);

        for (size_t i = 0; i < MEM_WORDS; i++)
            mem[i] = initial[i] = splitmix(&seed);

        if (syscall(SYS_arch_prctl, ARCH_SET_GS, gs_base) != 0) {
            fprintf(stderr, "harness: cannot set the GS base\n");
            return 3;
        }
        ctx.entry = CODE_ADDR;
        uint32_t signal = 0, code_of_signal = 0;
        uint64_t rip = 0, addr = 0;
        fault_signal = 0;
        if (sigsetjmp(fault_jump, 1) == 0) {
            harness_run(&ctx);
        } else {
            __asm__ volatile("cld");
            signal = (uint32_t)fault_signal;
            rip = fault_rip;
            code_of_signal = (uint32_t)fault_code;
            addr = fault_addr;
            ctx = fault_ctx;
        }
        write_all(&signal, 4);
        write_all(&rip, 8);
        write_all(&code_of_signal, 4);
        write_all(&addr, 8);
        write_all(ctx.regs, sizeof ctx.regs);
        write_all(&ctx.rflags, 8);
        uint32_t changed = 0;
        for (size_t i = 0; i < MEM_WORDS; i++)
            changed += mem[i] != initial[i];
        write_all(&changed, 4);
        for (uint32_t i = 0; i < MEM_WORDS; i++) {
            if (mem[i] != initial[i]) {
                uint32_t off = i * 8;
                write_all(&off, 4);
                write_all(&mem[i], 8);
            }
        }
        /* Clear the code so a stale tail never runs as part of the next case. */
        memset(code, 0xCC, len + 14);
    }
    fflush(stdout);
    return 0;
}
