/* A printf-like formatter of its own: %d %i %u %x %X %o %c %s %p %%, the l and ll and h and
 * hh length modifiers, width, precision, '-', '0', '+', ' ' and '#' flags, '*' width. */
#include "crt.h"

typedef __builtin_va_list va_list;
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_arg(ap, type) __builtin_va_arg(ap, type)
#define va_end(ap) __builtin_va_end(ap)

typedef struct {
    char *buffer;
    size_t size, length;
} sink;

static void put(sink *s, char c)
{
    if (s->length + 1 < s->size)
        s->buffer[s->length] = c;
    s->length++;
}

static void pad(sink *s, char c, int n)
{
    while (n-- > 0)
        put(s, c);
}

static int format_number(char *digits, u64 v, unsigned base, int upper)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;
    do {
        digits[n++] = set[v % base];
        v /= base;
    } while (v);
    return n;
}

static int vformat(char *buffer, size_t size, const char *fmt, va_list ap)
{
    sink s = {buffer, size, 0};
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&s, *fmt);
            continue;
        }
        int left = 0, zero = 0, plus = 0, space = 0, alt = 0, width = 0, precision = -1, length = 0;
        for (;; fmt++) {
            char f = fmt[1];
            if (f == '-') left = 1;
            else if (f == '0') zero = 1;
            else if (f == '+') plus = 1;
            else if (f == ' ') space = 1;
            else if (f == '#') alt = 1;
            else break;
        }
        fmt++;
        if (*fmt == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                left = 1;
                width = -width;
            }
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9')
                width = width * 10 + (*fmt++ - '0');
        }
        if (*fmt == '.') {
            precision = 0;
            fmt++;
            while (*fmt >= '0' && *fmt <= '9')
                precision = precision * 10 + (*fmt++ - '0');
        }
        while (*fmt == 'l' || *fmt == 'h') {
            length += *fmt == 'l' ? 1 : -1;
            fmt++;
        }
        char conv = *fmt;
        char digits[70];
        int n = 0;
        const char *prefix = "";
        if (conv == 'd' || conv == 'i') {
            i64 v = length >= 1 ? va_arg(ap, i64) : va_arg(ap, int);
            if (length == -1) v = (short)v;
            if (length <= -2) v = (signed char)v;
            u64 magnitude = v < 0 ? 0 - (u64)v : (u64)v;
            prefix = v < 0 ? "-" : plus ? "+" : space ? " " : "";
            n = precision == 0 && v == 0 ? 0 : format_number(digits, magnitude, 10, 0);
        } else if (conv == 'u' || conv == 'x' || conv == 'X' || conv == 'o' || conv == 'p') {
            u64 v = conv == 'p' || length >= 1 ? va_arg(ap, u64) : va_arg(ap, unsigned);
            if (length == -1) v = (u16)v;
            if (length <= -2) v = (u8)v;
            unsigned base = conv == 'u' ? 10 : conv == 'o' ? 8 : 16;
            n = precision == 0 && v == 0 ? 0 : format_number(digits, v, base, conv == 'X');
            if (conv == 'p' || (alt && v != 0 && base == 16))
                prefix = conv == 'X' ? "0X" : "0x";
            else if (alt && base == 8 && (n == 0 || digits[n - 1] != '0'))
                prefix = "0";
        } else if (conv == 'c') {
            char c = (char)va_arg(ap, int);
            pad(&s, ' ', left ? 0 : width - 1);
            put(&s, c);
            pad(&s, ' ', left ? width - 1 : 0);
            continue;
        } else if (conv == 's') {
            const char *str = va_arg(ap, const char *);
            if (!str) str = "(null)";
            int len = (int)str_length(str);
            if (precision >= 0 && precision < len) len = precision;
            pad(&s, ' ', left ? 0 : width - len);
            for (int i = 0; i < len; i++) put(&s, str[i]);
            pad(&s, ' ', left ? width - len : 0);
            continue;
        } else {
            put(&s, '%');
            if (conv != '%') put(&s, conv);
            continue;
        }
        int zeros = precision > n ? precision - n : 0;
        int body = (int)str_length(prefix) + zeros + n;
        if (!left && zero && precision < 0) {
            zeros += width > body ? width - body : 0;
            body = width > body ? width : body;
        }
        if (!left) pad(&s, ' ', width - body);
        for (const char *p = prefix; *p; p++) put(&s, *p);
        pad(&s, '0', zeros);
        while (n) put(&s, digits[--n]);
        if (left) pad(&s, ' ', width - body);
    }
    if (s.size)
        s.buffer[s.length < s.size ? s.length : s.size - 1] = 0;
    return (int)s.length;
}

static char line[512];

static int format_to(char *buffer, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vformat(buffer, size, fmt, ap);
    va_end(ap);
    return n;
}

static int print(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vformat(line, sizeof line, fmt, ap);
    va_end(ap);
    out_str(line);
    return n;
}

int main(int argc, char **argv)
{
    u64 rounds = arg_scale(argc, argv, 1);
    print("[%d] [%i] [%u] [%x] [%X] [%o]\n", 42, -42, 3000000000u, 0xdeadbeef, 0xcafe, 8);
    print("[%5d] [%-5d] [%05d] [%+d] [% d] [%.3d] [%8.3d]\n", 42, 42, 42, 42, 42, 7, -7);
    print("[%ld] [%lld] [%lu] [%lx]\n", (i64)-9223372036854775807L - 1, (i64)9223372036854775807L, 18446744073709551615UL, 0x0123456789abcdefUL);
    print("[%hd] [%hhd] [%hu] [%hhx]\n", 70000, 300, 70000, 0x1ff);
    print("[%s] [%10s] [%-10s] [%.2s] [%s]\n", "hello", "right", "left", "truncate", (char *)0);
    print("[%c%c%c] [%3c] [%-3c]\n", 'a', 'b', 'c', 'x', 'y');
    print("[%#x] [%#o] [%#X] [%#x] [%p]\n", 255, 8, 255, 0, (void *)0x1000);
    print("[%*d] [%-*d] [%.0d] [%%] [%q]\n", 6, 12, 6, 12, 0);
    print("[%d] [%d]\n", -2147483647 - 1, 2147483647);
    char small[8];
    int wanted = format_to(small, sizeof small, "%s-%d", "truncated", 12345);
    print("truncation: wanted %d kept \"%s\"\n", wanted, small);

    static const char *formats[] = {"%lu|", "%-20ld|", "%#lx|", "%+.12ld|", "%022lo|", "%lX|", "%*lu|", "%hhd|"};
    static char buffer[128];
    u64 checksum = 0;
    for (u64 r = 0; r < rounds * 1500; r++) {
        u64 v = rng_next();
        const char *f = formats[v % 8];
        int n = f[1] == '*' ? format_to(buffer, sizeof buffer, f, (int)(v % 30), v >> 7)
                            : format_to(buffer, sizeof buffer, f, v >> (v % 64));
        for (int i = 0; i < n; i++)
            checksum = checksum * 131 + (u8)buffer[i];
        if (r < 12)
            print("%s\n", buffer);
    }
    print("checksum %016lx\n", checksum);
    return 0;
}
