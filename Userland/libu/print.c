/* A formatted print to the console: %d %i %u %x %p %s %c %% with l/ll length modifiers. */
#include <verified/libu.h>

u64 v_console = VABI_SLOT_CONSOLE;

struct out { char *buf; size_t size; size_t len; };

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size) o->buf[o->len] = c;
    o->len++;
}

static void number(struct out *o, u64 v, int base, int negative)
{
    char tmp[24];
    int n = 0;
    if (negative) put(o, '-');
    do { tmp[n++] = "0123456789abcdef"[v % (u64)base]; v /= (u64)base; } while (v);
    while (n) put(o, tmp[--n]);
}

int v_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };
    for (; *fmt; fmt++) {
        if (*fmt != '%') { put(&o, *fmt); continue; }
        fmt++;
        int longs = 0;
        while (*fmt == 'l') { longs++; fmt++; }
        switch (*fmt) {
        case 'd': case 'i': {
            i64 v = longs ? va_arg(ap, i64) : va_arg(ap, int);
            number(&o, v < 0 ? (u64)-v : (u64)v, 10, v < 0);
            break;
        }
        case 'u': number(&o, longs ? va_arg(ap, u64) : va_arg(ap, unsigned), 10, 0); break;
        case 'x': number(&o, longs ? va_arg(ap, u64) : va_arg(ap, unsigned), 16, 0); break;
        case 'p': put(&o, '0'); put(&o, 'x'); number(&o, (u64)va_arg(ap, void *), 16, 0); break;
        case 's': { const char *s = va_arg(ap, const char *); if (!s) s = "(null)"; while (*s) put(&o, *s++); break; }
        case 'c': put(&o, (char)va_arg(ap, int)); break;
        case '%': put(&o, '%'); break;
        case 0: fmt--; break;
        default: put(&o, '%'); put(&o, *fmt); break;
        }
    }
    if (size) buf[o.len < size ? o.len : size - 1] = 0;
    return (int)o.len;
}

int v_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = v_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int v_printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = v_vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    v_console_write(v_console, buf, (u64)(n < (int)sizeof buf ? n : (int)sizeof buf - 1));
    return n;
}
