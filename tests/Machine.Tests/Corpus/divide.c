/* Division: by constants (gcc turns these into multiply-high and shifts) and by variables,
 * signed and unsigned, in 8, 16, 32 and 64 bits, quotient and remainder, negative operands. */
#include "crt.h"

NOINLINE static u64 udiv64(u64 a, u64 b) { return a / b; }
NOINLINE static u64 umod64(u64 a, u64 b) { return a % b; }
NOINLINE static i64 sdiv64(i64 a, i64 b) { return a / b; }
NOINLINE static i64 smod64(i64 a, i64 b) { return a % b; }
NOINLINE static u32 udiv32(u32 a, u32 b) { return a / b; }
NOINLINE static i32 sdiv32(i32 a, i32 b) { return a / b; }
NOINLINE static i32 smod32(i32 a, i32 b) { return a % b; }
NOINLINE static u16 udiv16(u16 a, u16 b) { return (u16)(a / b); }
NOINLINE static i16 sdiv16(i16 a, i16 b) { return (i16)(a / b); }
NOINLINE static u8 udiv8(u8 a, u8 b) { return (u8)(a / b); }
NOINLINE static i8 smod8(i8 a, i8 b) { return (i8)(a % b); }

static u64 by_constants(u64 x)
{
    i64 s = (i64)x;
    u32 w = (u32)x;
    i32 sw = (i32)x;
    return x / 3 + x / 7 + x / 10 + x / 1000000007UL + x % 13 + x / 0x8000000000000000UL
         + (u64)(s / 3) + (u64)(s / -7) + (u64)(s % 10) + (u64)(s / 64) + (u64)(s % 64)
         + w / 3 + w / 5 + w % 7 + w / 641 + (u64)(i64)(sw / 9) + (u64)(i64)(sw % 11)
         + (u64)(u16)x / 7 + (u64)(u8)x / 3;
}

int main(int argc, char **argv)
{
    u64 scale = arg_scale(argc, argv, 1);
    static const i64 values[] = {0, 1, -1, 7, -7, 100, -100, 9223372036854775807L, -9223372036854775807L - 1, 123456789012345L};
    static const i64 divisors[] = {1, -1, 2, -2, 3, 7, -13, 1000, 4294967296L, -9223372036854775807L - 1};
    for (int i = 0; i < 10; i++) {
        for (int j = 0; j < 10; j++) {
            i64 a = values[i], b = divisors[j];
            if (b == -1 && a == -9223372036854775807L - 1)
                continue;
            out_i64(a);
            out_char('/');
            out_i64(b);
            out_str(" = ");
            out_i64(sdiv64(a, b));
            out_str(" r ");
            out_i64(smod64(a, b));
            out_str(" u ");
            out_u64(udiv64((u64)a, (u64)b));
            out_str(" r ");
            out_u64(umod64((u64)a, (u64)b));
            out_char('\n');
        }
    }
    out_line("udiv32", udiv32(4000000000u, 3));
    out_str("sdiv32 ");
    out_i64(sdiv32(-2000000000, 7));
    out_str(" smod32 ");
    out_i64(smod32(-2000000000, 7));
    out_char('\n');
    out_line("udiv16", udiv16(65535, 255));
    out_str("sdiv16 ");
    out_i64(sdiv16(-32768, 3));
    out_char('\n');
    out_line("udiv8", udiv8(255, 7));
    out_str("smod8 ");
    out_i64(smod8(-128, 7));
    out_char('\n');
    u64 acc = 0;
    for (u64 i = 0; i < scale * 4000; i++) {
        u64 x = rng_next();
        u64 d = (rng_next() >> (i % 64)) | 1;
        acc += by_constants(x);
        acc += udiv64(x, d) + umod64(x, d);
        acc += (u64)sdiv64((i64)x, (i64)d) + (u64)smod64((i64)x, (i64)(d >> 1 | 1));
        acc += udiv32((u32)x, (u32)d | 1) + (u64)(i64)sdiv32((i32)x, (i32)(d | 1) == -1 ? 3 : (i32)(d | 1));
    }
    out_str("acc ");
    out_hex(acc);
    out_char('\n');
    return 0;
}
