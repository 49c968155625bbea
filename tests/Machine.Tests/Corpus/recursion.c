/* Recursion: Ackermann, naive Fibonacci, Towers of Hanoi, N-queens, permutations, and a
 * recursive-descent expression evaluator. */
#include "crt.h"

static u64 ackermann(u64 m, u64 n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

static u64 fib(int n) { return n < 2 ? (u64)n : fib(n - 1) + fib(n - 2); }

static u64 hanoi(int n, int from, int to, int via, u64 *checksum)
{
    if (n == 0)
        return 0;
    u64 moves = hanoi(n - 1, from, via, to, checksum);
    *checksum = *checksum * 3 + (u64)(from * 4 + to);
    return moves + 1 + hanoi(n - 1, via, to, from, checksum);
}

static int queens(int row, int n, u32 cols, u32 diag1, u32 diag2)
{
    if (row == n)
        return 1;
    int count = 0;
    for (int c = 0; c < n; c++) {
        if ((cols >> c & 1) || (diag1 >> (row + c) & 1) || (diag2 >> (row - c + n) & 1))
            continue;
        count += queens(row + 1, n, cols | 1u << c, diag1 | 1u << (row + c), diag2 | 1u << (row - c + n));
    }
    return count;
}

static void permute(char *s, int k, int n, u64 *count, u64 *hash)
{
    if (k == n) {
        (*count)++;
        for (int i = 0; i < n; i++)
            *hash = *hash * 31 + (u64)s[i];
        return;
    }
    for (int i = k; i < n; i++) {
        char t = s[k]; s[k] = s[i]; s[i] = t;
        permute(s, k + 1, n, count, hash);
        t = s[k]; s[k] = s[i]; s[i] = t;
    }
}

static const char *cursor;
static i64 expression(void);

static i64 primary(void)
{
    if (*cursor == '(') {
        cursor++;
        i64 v = expression();
        cursor++; /* ')' */
        return v;
    }
    if (*cursor == '-') {
        cursor++;
        return -primary();
    }
    i64 v = 0;
    while (*cursor >= '0' && *cursor <= '9')
        v = v * 10 + (*cursor++ - '0');
    return v;
}

static i64 term(void)
{
    i64 v = primary();
    while (*cursor == '*' || *cursor == '/' || *cursor == '%') {
        char op = *cursor++;
        i64 r = primary();
        v = op == '*' ? v * r : op == '/' ? v / r : v % r;
    }
    return v;
}

static i64 expression(void)
{
    i64 v = term();
    while (*cursor == '+' || *cursor == '-') {
        char op = *cursor++;
        i64 r = term();
        v = op == '+' ? v + r : v - r;
    }
    return v;
}

int main(int argc, char **argv)
{
    u64 scale = arg_scale(argc, argv, 1);
    out_line("ackermann(2,3)", ackermann(2, 3));
    out_line("ackermann(3,5)", ackermann(3, 5));
    out_line("fib(20)", fib(20));
    u64 checksum = 0;
    out_line("hanoi(12)", hanoi(12, 1, 3, 2, &checksum));
    out_line("hanoi checksum", checksum);
    for (int n = 1; n <= 8; n++)
        out_line("queens", (u64)queens(0, n, 0, 0, 0));
    char letters[] = "abcdefg";
    u64 count = 0, hash = 0;
    permute(letters, 0, 7, &count, &hash);
    out_line("permutations", count);
    out_line("permutation hash", hash);
    static const char *expressions[] = {"1+2*3", "(1+2)*3", "-(4-10)*7%5", "100/7/2", "2*(3+(4-1)*5)-17", "-8/3", "-8%3"};
    for (int i = 0; i < 7; i++) {
        cursor = expressions[i];
        out_str(expressions[i]);
        out_str(" = ");
        out_i64(expression());
        out_char('\n');
    }
    u64 extra = 0;
    for (u64 r = 1; r < scale; r++)
        extra += fib(22 + (int)(r % 4)) + ackermann(2, r % 50);
    out_line("extra", extra);
    return 0;
}
