/* Bit tricks: population count, leading/trailing zeros, bit reversal, rotations, byte swaps,
 * Gray code, the next permutation of set bits, parity, and isolating/clearing low bits. */
#include "crt.h"

static int popcount_loop(u64 v)
{
    int n = 0;
    while (v) {
        v &= v - 1;
        n++;
    }
    return n;
}

static u64 reverse_bits(u64 v)
{
    v = ((v >> 1) & 0x5555555555555555UL) | ((v & 0x5555555555555555UL) << 1);
    v = ((v >> 2) & 0x3333333333333333UL) | ((v & 0x3333333333333333UL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FUL) | ((v & 0x0F0F0F0F0F0F0F0FUL) << 4);
    v = ((v >> 8) & 0x00FF00FF00FF00FFUL) | ((v & 0x00FF00FF00FF00FFUL) << 8);
    v = ((v >> 16) & 0x0000FFFF0000FFFFUL) | ((v & 0x0000FFFF0000FFFFUL) << 16);
    return (v >> 32) | (v << 32);
}

static u64 rotl(u64 v, unsigned r) { return (v << (r & 63)) | (v >> ((64 - r) & 63)); }
static u32 rotr32(u32 v, unsigned r) { return (v >> (r & 31)) | (v << ((32 - r) & 31)); }

static u64 next_same_popcount(u64 v)
{
    u64 t = v | (v - 1);
    return (t + 1) | (((~t & -~t) - 1) >> (__builtin_ctzll(v) + 1));
}

static u64 isqrt(u64 n)
{
    u64 r = 0, bit = 1UL << 62;
    while (bit > n)
        bit >>= 2;
    while (bit) {
        if (n >= r + bit) {
            n -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
        bit >>= 2;
    }
    return r;
}

int main(int argc, char **argv)
{
    u64 scale = arg_scale(argc, argv, 1);
    static const u64 samples[] = {0, 1, 2, 3, 0x80, 0xFF, 0x8000000000000000UL, 0xFFFFFFFFFFFFFFFFUL, 0x0123456789ABCDEFUL, 0xF0F0F0F0UL, 0x100000000UL};
    for (int i = 0; i < 11; i++) {
        u64 v = samples[i];
        out_hex(v);
        out_str(" pop ");
        out_u64((u64)__builtin_popcountll(v));
        out_str(" clz ");
        out_u64(v ? (u64)__builtin_clzll(v) : 64);
        out_str(" ctz ");
        out_u64(v ? (u64)__builtin_ctzll(v) : 64);
        out_str(" rev ");
        out_hex(reverse_bits(v));
        out_str(" bswap ");
        out_hex(__builtin_bswap64(v));
        out_str(" bswap32 ");
        out_u64(__builtin_bswap32((u32)v));
        out_str(" parity ");
        out_u64((u64)__builtin_parityll(v));
        out_str(" gray ");
        out_hex(v ^ (v >> 1));
        out_str(" lowbit ");
        out_hex(v & -v);
        out_str(" isqrt ");
        out_u64(isqrt(v));
        out_char('\n');
    }
    u64 v = 0x3F;
    for (int i = 0; i < 10; i++) {
        out_hex(v);
        out_char('\n');
        v = next_same_popcount(v);
    }
    u64 acc = 0;
    for (u64 i = 0; i < scale * 5000; i++) {
        u64 x = rng_next();
        acc += (u64)popcount_loop(x) + (u64)__builtin_popcountll(x);
        acc ^= rotl(x, (unsigned)i) + rotr32((u32)x, (unsigned)(x >> 59));
        acc += reverse_bits(x) >> 60;
        acc += (u64)__builtin_clzll(x | 1) + (u64)__builtin_ctzll(x | (1UL << 63));
        acc += (u64)((i16)x >> 3) + (u64)((i8)x >> 1) + (u64)((i32)x >> 7);
    }
    out_str("acc ");
    out_hex(acc);
    out_char('\n');
    return (int)(acc & 0x3F);
}
