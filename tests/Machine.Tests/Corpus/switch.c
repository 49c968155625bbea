/* Switch tables: a dense switch compiled to a jump table drives a tokenizer and a state
 * machine; a sparse switch becomes a compare tree. */
#include "crt.h"

enum token { T_END, T_NUMBER, T_IDENT, T_PLUS, T_MINUS, T_STAR, T_SLASH, T_LPAREN, T_RPAREN, T_SEMI, T_ASSIGN, T_ERROR };

static const char *names[] = {"end", "number", "ident", "plus", "minus", "star", "slash", "lparen", "rparen", "semi", "assign", "error"};

static enum token classify(char c)
{
    switch (c) {
    case '+': return T_PLUS;
    case '-': return T_MINUS;
    case '*': return T_STAR;
    case '/': return T_SLASH;
    case '(': return T_LPAREN;
    case ')': return T_RPAREN;
    case ';': return T_SEMI;
    case '=': return T_ASSIGN;
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9': return T_NUMBER;
    case 'a': case 'b': case 'c': case 'd': case 'e': case 'f': case 'g': case 'h': case 'i':
    case 'j': case 'k': case 'l': case 'm': case 'n': case 'o': case 'p': case 'q': case 'r':
    case 's': case 't': case 'u': case 'v': case 'w': case 'x': case 'y': case 'z': case '_': return T_IDENT;
    case 0: return T_END;
    default: return T_ERROR;
    }
}

static u64 weight(enum token t)
{
    switch (t) {
    case T_END: return 1;
    case T_NUMBER: return 3;
    case T_IDENT: return 5;
    case T_PLUS: return 7;
    case T_MINUS: return 11;
    case T_STAR: return 13;
    case T_SLASH: return 17;
    case T_LPAREN: return 19;
    case T_RPAREN: return 23;
    case T_SEMI: return 29;
    case T_ASSIGN: return 31;
    default: return 37;
    }
}

static int sparse(u32 v)
{
    switch (v) {
    case 1: return 10;
    case 100: return 20;
    case 1000: return 30;
    case 65536: return 40;
    case 123456: return 50;
    case 0x80000000u: return 60;
    case 0xFFFFFFFFu: return 70;
    default: return (int)(v & 7);
    }
}

/* A state machine over the bits of a number: counts runs, like a small DFA. */
static int dfa(u64 v)
{
    int state = 0, accepts = 0;
    for (int i = 0; i < 64; i++) {
        int bit = (int)(v >> i & 1);
        switch (state * 2 + bit) {
        case 0: state = 0; break;
        case 1: state = 1; break;
        case 2: state = 2; break;
        case 3: state = 1; accepts++; break;
        case 4: state = 3; break;
        case 5: state = 1; break;
        case 6: state = 0; accepts += 2; break;
        case 7: state = 2; break;
        }
    }
    return accepts * 4 + state;
}

int main(int argc, char **argv)
{
    u64 scale = arg_scale(argc, argv, 1);
    const char *program = "x = (a1 + 42) * b_2; y = x / 7 - 3; z = y # 9;";
    u64 checksum = 0;
    for (const char *p = program;; p++) {
        if (*p == ' ')
            continue;
        enum token t = classify(*p);
        out_str(names[t]);
        out_char(*p ? ' ' : '\n');
        checksum = checksum * 41 + weight(t);
        if (t == T_END)
            break;
    }
    out_line("token checksum", checksum);
    static const u32 probes[] = {0, 1, 2, 100, 999, 1000, 65536, 65537, 123456, 0x80000000u, 0xFFFFFFFFu, 77};
    for (int i = 0; i < 12; i++)
        out_line("sparse", (u64)sparse(probes[i]));
    u64 total = 0;
    for (u64 i = 0; i < scale * 3000; i++) {
        u64 v = rng_next();
        total += (u64)dfa(v) + (u64)sparse((u32)v) + weight(classify((char)(v & 0x7F)));
    }
    out_line("total", total);
    return 0;
}
