/* Sieve of Eratosthenes on a bit array, prime gaps, twin primes, and Euler's totient by a
 * second sieve. */
#include "crt.h"

#define LIMIT 2000000
static u64 composite[LIMIT / 64 + 1];
static u32 phi[100001];

int main(int argc, char **argv)
{
    u64 scale = arg_scale(argc, argv, 1);
    u64 limit = 20000 * scale;
    if (limit > LIMIT)
        limit = LIMIT;
    for (u64 i = 2; i * i < limit; i++)
        if (!(composite[i / 64] >> (i % 64) & 1))
            for (u64 j = i * i; j < limit; j += i)
                composite[j / 64] |= 1UL << (j % 64);
    u64 count = 0, twins = 0, largest_gap = 0, last = 0, sum = 0;
    for (u64 i = 2; i < limit; i++) {
        if (composite[i / 64] >> (i % 64) & 1)
            continue;
        count++;
        sum += i;
        if (last && i - last == 2)
            twins++;
        if (last && i - last > largest_gap)
            largest_gap = i - last;
        last = i;
    }
    out_line("limit", limit);
    out_line("primes", count);
    out_line("twins", twins);
    out_line("largest gap", largest_gap);
    out_line("largest prime", last);
    out_line("sum", sum);
    u32 n = limit < 100000 ? (u32)limit : 100000;
    for (u32 i = 0; i <= n; i++)
        phi[i] = i;
    for (u32 i = 2; i <= n; i++)
        if (phi[i] == i)
            for (u32 j = i; j <= n; j += i)
                phi[j] -= phi[j] / i;
    u64 total = 0;
    for (u32 i = 1; i <= n; i++)
        total += phi[i];
    out_line("totient sum", total);
    out_line("phi(9973)", phi[9973]);
    out_line("phi(8192)", phi[8192]);
    return 0;
}
