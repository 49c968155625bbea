/* Integer matrices: multiplication (three loop orders agree), transposition, power by
 * squaring modulo a prime, and a determinant by Gaussian elimination modulo a prime. */
#include "crt.h"

#define N 24
#define P 1000000007UL
typedef u64 matrix[N][N];

static void multiply(matrix r, matrix a, matrix b, int order)
{
    static matrix t;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            t[i][j] = 0;
    if (order == 0) {
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++)
                for (int k = 0; k < N; k++)
                    t[i][j] = (t[i][j] + a[i][k] * b[k][j]) % P;
    } else {
        for (int i = 0; i < N; i++)
            for (int k = 0; k < N; k++)
                for (int j = 0; j < N; j++)
                    t[i][j] = (t[i][j] + a[i][k] * b[k][j]) % P;
    }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            r[i][j] = t[i][j];
}

static u64 power(u64 b, u64 e)
{
    u64 r = 1;
    while (e) {
        if (e & 1) r = r * b % P;
        b = b * b % P;
        e >>= 1;
    }
    return r;
}

static u64 determinant(matrix m)
{
    static matrix a;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            a[i][j] = m[i][j];
    u64 det = 1;
    for (int c = 0; c < N; c++) {
        int pivot = -1;
        for (int r = c; r < N; r++)
            if (a[r][c]) {
                pivot = r;
                break;
            }
        if (pivot < 0)
            return 0;
        if (pivot != c) {
            for (int j = 0; j < N; j++) {
                u64 t = a[c][j];
                a[c][j] = a[pivot][j];
                a[pivot][j] = t;
            }
            det = (P - det) % P;
        }
        det = det * a[c][c] % P;
        u64 inverse = power(a[c][c], P - 2);
        for (int r = c + 1; r < N; r++) {
            u64 f = a[r][c] * inverse % P;
            for (int j = c; j < N; j++)
                a[r][j] = (a[r][j] + (P - f) * a[c][j]) % P;
        }
    }
    return det;
}

static u64 trace(matrix m)
{
    u64 t = 0;
    for (int i = 0; i < N; i++)
        t = (t + m[i][i]) % P;
    return t;
}

int main(int argc, char **argv)
{
    u64 scale = arg_scale(argc, argv, 1);
    static matrix a, b, c, d;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            a[i][j] = rng_next() % 1000;
            b[i][j] = rng_next() % 1000;
        }
    multiply(c, a, b, 0);
    multiply(d, a, b, 1);
    int same = 1;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            same &= c[i][j] == d[i][j];
    out_line("orders agree", (u64)same);
    out_line("trace", trace(c));
    out_line("det a", determinant(a));
    out_line("det b", determinant(b));
    out_line("det ab", determinant(c));
    out_line("det a * det b", determinant(a) * determinant(b) % P);
    for (u64 r = 0; r < scale; r++)
        multiply(c, c, a, (int)(r & 1));
    out_line("power trace", trace(c));
    return 0;
}
