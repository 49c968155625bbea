/*
 * The corpus's tiny C runtime: _start, Linux write/exit_group through inline-asm syscalls,
 * buffered output, and the memory functions gcc may call even in freestanding code.
 * Only the syscalls `verified exec` offers (write, exit, exit_group) are used, so each program
 * runs the same natively, under qemu-x86_64 and on the emulated machine.
 */
#ifndef CORPUS_CRT_H
#define CORPUS_CRT_H

typedef unsigned long size_t;
typedef long ssize_t;
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef signed char i8;
typedef short i16;
typedef int i32;
typedef long i64;
typedef unsigned __int128 u128;

#define NOINLINE __attribute__((noinline))
#define NO_BUILTIN_LOOPS __attribute__((optimize("no-tree-loop-distribute-patterns")))

static inline long sys_write(int fd, const void *buffer, size_t length)
{
    long result;
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "a"(1L), "D"((long)fd), "S"(buffer), "d"(length)
                     : "rcx", "r11", "memory");
    return result;
}

__attribute__((noreturn)) static inline void sys_exit_group(int code)
{
    __asm__ volatile("syscall" : : "a"(231L), "D"((long)code) : "rcx", "r11", "memory");
    __builtin_unreachable();
}

/* Memory functions: gcc emits calls to these for structure copies and recognised loops. */
NO_BUILTIN_LOOPS void *memcpy(void *dest, const void *src, size_t n)
{
    u8 *d = dest;
    const u8 *s = src;
    while (n--)
        *d++ = *s++;
    return dest;
}

NO_BUILTIN_LOOPS void *memmove(void *dest, const void *src, size_t n)
{
    u8 *d = dest;
    const u8 *s = src;
    if (d < s) {
        while (n--)
            *d++ = *s++;
    } else {
        while (n--)
            d[n] = s[n];
    }
    return dest;
}

NO_BUILTIN_LOOPS void *memset(void *dest, int c, size_t n)
{
    u8 *d = dest;
    while (n--)
        *d++ = (u8)c;
    return dest;
}

NO_BUILTIN_LOOPS int memcmp(const void *a, const void *b, size_t n)
{
    const u8 *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

static __attribute__((unused)) size_t str_length(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* Buffered standard output. */
static char out_buffer[4096];
static size_t out_used;

static __attribute__((unused)) void out_flush(void)
{
    size_t done = 0;
    while (done < out_used) {
        long n = sys_write(1, out_buffer + done, out_used - done);
        if (n <= 0)
            sys_exit_group(99);
        done += (size_t)n;
    }
    out_used = 0;
}

static __attribute__((unused)) void out_char(char c)
{
    if (out_used == sizeof out_buffer)
        out_flush();
    out_buffer[out_used++] = c;
}

static __attribute__((unused)) void out_str(const char *s)
{
    while (*s)
        out_char(*s++);
}

static __attribute__((unused)) void out_u64(u64 v)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        out_char(digits[--n]);
}

static __attribute__((unused)) void out_i64(i64 v)
{
    if (v < 0) {
        out_char('-');
        out_u64(0 - (u64)v);
    } else {
        out_u64((u64)v);
    }
}

static __attribute__((unused)) void out_hex(u64 v)
{
    static const char hex[] = "0123456789abcdef";
    out_str("0x");
    for (int shift = 60; shift >= 0; shift -= 4)
        out_char(hex[(v >> shift) & 15]);
}

/* "name value\n": the programs' usual line. */
static __attribute__((unused)) void out_line(const char *name, u64 value)
{
    out_str(name);
    out_char(' ');
    out_u64(value);
    out_char('\n');
}

/* The first argument as a decimal scale factor (the benchmark passes a large one). */
static __attribute__((unused)) u64 arg_scale(int argc, char **argv, u64 fallback)
{
    if (argc < 2)
        return fallback;
    u64 v = 0;
    for (const char *p = argv[1]; *p >= '0' && *p <= '9'; p++)
        v = v * 10 + (u64)(*p - '0');
    return v ? v : fallback;
}

/* xorshift64*: the programs' deterministic input. */
static u64 rng_state = 0x9E3779B97F4A7C15UL;

static __attribute__((unused)) u64 rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DUL;
}

int main(int argc, char **argv);

__attribute__((used, noreturn)) void crt_start(long argc, char **argv)
{
    int code = main((int)argc, argv);
    out_flush();
    sys_exit_group(code);
}

/* The kernel leaves argc at [rsp] and argv after it; align the stack as the ABI wants. */
__asm__(".text\n"
        ".globl _start\n"
        "_start:\n"
        "  xor %ebp, %ebp\n"
        "  mov (%rsp), %rdi\n"
        "  lea 8(%rsp), %rsi\n"
        "  and $-16, %rsp\n"
        "  call crt_start\n"
        "  ud2\n");

#endif
