/* String algorithms: length/compare/copy, reversal, KMP search, integer parsing and
 * printing, run-length encoding, a word-frequency count, and Levenshtein distance. */
#include "crt.h"

static int str_compare(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (u8)*a - (u8)*b;
}

static void reverse(char *s, size_t n)
{
    for (size_t i = 0; i < n / 2; i++) {
        char t = s[i];
        s[i] = s[n - 1 - i];
        s[n - 1 - i] = t;
    }
}

static int kmp_count(const char *text, const char *pattern)
{
    int fail[64];
    int m = (int)str_length(pattern);
    fail[0] = -1;
    for (int i = 1, k = -1; i < m; i++) {
        while (k >= 0 && pattern[k + 1] != pattern[i])
            k = fail[k];
        if (pattern[k + 1] == pattern[i])
            k++;
        fail[i] = k;
    }
    int count = 0;
    for (int i = 0, k = -1; text[i]; i++) {
        while (k >= 0 && pattern[k + 1] != text[i])
            k = fail[k];
        if (pattern[k + 1] == text[i])
            k++;
        if (k == m - 1) {
            count++;
            k = fail[k];
        }
    }
    return count;
}

static i64 parse_int(const char **p)
{
    int negative = 0;
    while (**p == ' ')
        (*p)++;
    if (**p == '-' || **p == '+')
        negative = *(*p)++ == '-';
    i64 v = 0;
    while (**p >= '0' && **p <= '9')
        v = v * 10 + (*(*p)++ - '0');
    return negative ? -v : v;
}

static size_t rle(const char *in, char *out)
{
    size_t n = 0;
    while (*in) {
        char c = *in;
        int run = 0;
        while (*in == c && run < 9) {
            in++;
            run++;
        }
        out[n++] = (char)('0' + run);
        out[n++] = c;
    }
    out[n] = 0;
    return n;
}

static int levenshtein(const char *a, const char *b)
{
    int row[64];
    int la = (int)str_length(a), lb = (int)str_length(b);
    for (int j = 0; j <= lb; j++)
        row[j] = j;
    for (int i = 1; i <= la; i++) {
        int prev = row[0];
        row[0] = i;
        for (int j = 1; j <= lb; j++) {
            int cur = row[j];
            int best = prev + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best) best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    return row[lb];
}

static char text[20000];

int main(int argc, char **argv)
{
    u64 scale = arg_scale(argc, argv, 1);
    const char *words[] = {"kitten", "sitting", "saturday", "sunday", "flaw", "lawn", "", "abc"};
    for (int i = 0; i < 8; i += 2) {
        out_str(words[i]);
        out_char('/');
        out_str(words[i + 1]);
        out_str(" distance ");
        out_u64((u64)levenshtein(words[i], words[i + 1]));
        out_str(" compare ");
        out_i64(str_compare(words[i], words[i + 1]));
        out_char('\n');
    }
    char buffer[64] = "Hello, freestanding world!";
    reverse(buffer, str_length(buffer));
    out_str(buffer);
    out_char('\n');
    const char *numbers = " 12 -345 +6789 -9223372036854775807 0 42";
    const char *p = numbers;
    i64 total = 0;
    for (int i = 0; i < 6; i++)
        total += parse_int(&p);
    out_str("parsed total ");
    out_i64(total);
    out_char('\n');
    char encoded[128];
    size_t n = rle("aaaabbbcccccccccccdxyzzzz", encoded);
    out_str(encoded);
    out_char(' ');
    out_u64(n);
    out_char('\n');
    u64 found = 0;
    for (u64 r = 0; r < scale; r++) {
        for (size_t i = 0; i < sizeof text - 1; i++)
            text[i] = (char)('a' + rng_next() % 3);
        text[sizeof text - 1] = 0;
        found += (u64)kmp_count(text, "abcab") + (u64)kmp_count(text, "aaa") + (u64)kmp_count(text, "cbacbacc");
    }
    out_line("matches", found);
    return 0;
}
