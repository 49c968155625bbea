/* Big-number arithmetic on 64-bit limbs with unsigned __int128 products: factorials,
 * powers of two and Fibonacci numbers printed in decimal, and a modular exponentiation. */
#include "crt.h"

#define LIMBS 160
typedef struct {
    int n;
    u64 limb[LIMBS];
} big;

static void big_set(big *a, u64 v)
{
    a->n = v != 0;
    a->limb[0] = v;
}

static void big_mul_small(big *a, u64 m)
{
    u64 carry = 0;
    for (int i = 0; i < a->n; i++) {
        u128 p = (u128)a->limb[i] * m + carry;
        a->limb[i] = (u64)p;
        carry = (u64)(p >> 64);
    }
    if (carry)
        a->limb[a->n++] = carry;
}

static void big_add(big *r, const big *a, const big *b)
{
    int n = a->n > b->n ? a->n : b->n;
    u64 carry = 0;
    for (int i = 0; i < n; i++) {
        u64 x = i < a->n ? a->limb[i] : 0;
        u64 y = i < b->n ? b->limb[i] : 0;
        u128 s = (u128)x + y + carry;
        r->limb[i] = (u64)s;
        carry = (u64)(s >> 64);
    }
    r->n = n;
    if (carry)
        r->limb[r->n++] = carry;
}

static void big_mul(big *r, const big *a, const big *b)
{
    big t;
    for (int i = 0; i < a->n + b->n; i++)
        t.limb[i] = 0;
    for (int i = 0; i < a->n; i++) {
        u64 carry = 0;
        for (int j = 0; j < b->n; j++) {
            u128 p = (u128)a->limb[i] * b->limb[j] + t.limb[i + j] + carry;
            t.limb[i + j] = (u64)p;
            carry = (u64)(p >> 64);
        }
        t.limb[i + b->n] = carry;
    }
    t.n = a->n + b->n;
    while (t.n > 0 && t.limb[t.n - 1] == 0)
        t.n--;
    *r = t;
}

/* Divides by d in place and returns the remainder (128-by-64 division through libgcc). */
static u64 big_div_small(big *a, u64 d)
{
    u128 rem = 0;
    for (int i = a->n - 1; i >= 0; i--) {
        u128 cur = (rem << 64) | a->limb[i];
        a->limb[i] = (u64)(cur / d);
        rem = cur % d;
    }
    while (a->n > 0 && a->limb[a->n - 1] == 0)
        a->n--;
    return (u64)rem;
}

static void big_print(const big *value)
{
    static big t;
    static u64 chunks[LIMBS * 2];
    t = *value;
    int count = 0;
    while (t.n > 0)
        chunks[count++] = big_div_small(&t, 10000000000000000000UL);
    if (count == 0) {
        out_char('0');
        return;
    }
    out_u64(chunks[count - 1]);
    for (int i = count - 2; i >= 0; i--) {
        char digits[19];
        u64 c = chunks[i];
        for (int k = 18; k >= 0; k--) {
            digits[k] = (char)('0' + c % 10);
            c /= 10;
        }
        for (int k = 0; k < 19; k++)
            out_char(digits[k]);
    }
}

static u64 mulmod(u64 a, u64 b, u64 m) { return (u64)((u128)a * b % m); }

static u64 powmod(u64 base, u64 e, u64 m)
{
    u64 r = 1;
    base %= m;
    while (e) {
        if (e & 1)
            r = mulmod(r, base, m);
        base = mulmod(base, base, m);
        e >>= 1;
    }
    return r;
}

int main(int argc, char **argv)
{
    u64 scale = arg_scale(argc, argv, 1);
    static big a, b, c;
    big_set(&a, 1);
    for (u64 i = 2; i <= 100; i++)
        big_mul_small(&a, i);
    out_str("100! = ");
    big_print(&a);
    out_char('\n');

    big_set(&a, 1);
    for (int i = 0; i < 1000; i++)
        big_mul_small(&a, 2);
    out_str("2^1000 = ");
    big_print(&a);
    out_char('\n');

    big_set(&a, 0);
    big_set(&b, 1);
    for (int i = 0; i < 500; i++) {
        big_add(&c, &a, &b);
        a = b;
        b = c;
    }
    out_str("fib(500) = ");
    big_print(&a);
    out_char('\n');

    big_set(&a, 0xFFFFFFFFFFFFFFFFUL);
    big_mul(&b, &a, &a);
    big_mul(&c, &b, &b);
    out_str("(2^64-1)^4 = ");
    big_print(&c);
    out_char('\n');

    u64 check = 0;
    for (u64 r = 0; r < scale; r++) {
        big_set(&a, 1);
        for (u64 i = 2; i <= 300; i++)
            big_mul_small(&a, i + r);
        big_mul(&b, &a, &a);
        while (b.n > 0)
            check = check * 31 + big_div_small(&b, 1000000007UL + r);
        check ^= powmod(0x123456789ABCDEFUL + r, 0xFEDCBA987654321UL, 0xFFFFFFFFFFFFFFC5UL);
    }
    out_str("check ");
    out_hex(check);
    out_char('\n');
    out_line("powmod", powmod(3, 1000000, 1000000007));
    return 0;
}
