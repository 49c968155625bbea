/* A small bytecode interpreter: a stack machine with locals, jumps and calls, running
 * programs that count primes, compute Fibonacci numbers iteratively and sum a series. */
#include "crt.h"

enum op { PUSH, LOAD, STORE, ADD, SUB, MUL, DIV, MOD, LT, EQ, JMP, JZ, CALL, RET, PRINT, HALT, DUP, DROP };

typedef struct {
    u8 op;
    i32 arg;
} insn;

typedef struct {
    i64 stack[256];
    i64 locals[16][8];
    int returns[16];
    int sp, fp;
    u64 executed;
} vm;

static u64 run(vm *m, const insn *code)
{
    int pc = 0;
    for (;;) {
        const insn *i = &code[pc++];
        m->executed++;
        switch (i->op) {
        case PUSH: m->stack[m->sp++] = i->arg; break;
        case LOAD: m->stack[m->sp++] = m->locals[m->fp][i->arg]; break;
        case STORE: m->locals[m->fp][i->arg] = m->stack[--m->sp]; break;
        case ADD: m->sp--; m->stack[m->sp - 1] += m->stack[m->sp]; break;
        case SUB: m->sp--; m->stack[m->sp - 1] -= m->stack[m->sp]; break;
        case MUL: m->sp--; m->stack[m->sp - 1] *= m->stack[m->sp]; break;
        case DIV: m->sp--; m->stack[m->sp - 1] /= m->stack[m->sp]; break;
        case MOD: m->sp--; m->stack[m->sp - 1] %= m->stack[m->sp]; break;
        case LT: m->sp--; m->stack[m->sp - 1] = m->stack[m->sp - 1] < m->stack[m->sp]; break;
        case EQ: m->sp--; m->stack[m->sp - 1] = m->stack[m->sp - 1] == m->stack[m->sp]; break;
        case JMP: pc = i->arg; break;
        case JZ: if (m->stack[--m->sp] == 0) pc = i->arg; break;
        case CALL:
            m->returns[++m->fp] = pc;
            m->locals[m->fp][0] = m->stack[--m->sp];
            pc = i->arg;
            break;
        case RET: pc = m->returns[m->fp--]; break;
        case PRINT: out_i64(m->stack[--m->sp]); out_char('\n'); break;
        case DUP: m->stack[m->sp] = m->stack[m->sp - 1]; m->sp++; break;
        case DROP: m->sp--; break;
        case HALT: return m->executed;
        }
    }
}

/* is_prime(n) at 30: locals[0] = n, [1] = d. Leaves 1 or 0 on the stack. */
static const insn primes[] = {
    /* 0 */ {PUSH, 0}, {STORE, 1},            /* count = 0 (local 1 of frame 0) */
    /* 2 */ {PUSH, 2}, {STORE, 2},            /* n = 2 */
    /* 4 */ {LOAD, 2}, {LOAD, 3}, {LT, 0}, {JZ, 20},
    /* 8 */ {LOAD, 2}, {CALL, 30}, {JZ, 15},
    /* 11 */ {LOAD, 1}, {PUSH, 1}, {ADD, 0}, {STORE, 1},
    /* 15 */ {LOAD, 2}, {PUSH, 1}, {ADD, 0}, {STORE, 2}, {JMP, 4},
    /* 20 */ {LOAD, 1}, {PRINT, 0}, {HALT, 0}, {HALT, 0}, {HALT, 0}, {HALT, 0}, {HALT, 0}, {HALT, 0}, {HALT, 0}, {HALT, 0},
    /* 30 */ {PUSH, 2}, {STORE, 1},
    /* 32 */ {LOAD, 1}, {LOAD, 1}, {MUL, 0}, {LOAD, 0}, {LT, 0}, {LOAD, 1}, {LOAD, 1}, {MUL, 0}, {LOAD, 0}, {EQ, 0}, {ADD, 0}, {JZ, 53},
    /* 44 */ {LOAD, 0}, {LOAD, 1}, {MOD, 0}, {JZ, 55},
    /* 48 */ {LOAD, 1}, {PUSH, 1}, {ADD, 0}, {STORE, 1}, {JMP, 32},
    /* 53 */ {PUSH, 1}, {RET, 0},
    /* 55 */ {PUSH, 0}, {RET, 0},
};

/* Iterative Fibonacci modulo a prime, local 3 = n. */
static const insn fibonacci[] = {
    {PUSH, 0}, {STORE, 0}, {PUSH, 1}, {STORE, 1}, {PUSH, 0}, {STORE, 2},
    /* 6 */ {LOAD, 2}, {LOAD, 3}, {LT, 0}, {JZ, 24},
    /* 10 */ {LOAD, 0}, {LOAD, 1}, {ADD, 0}, {PUSH, 1000000007}, {MOD, 0}, {LOAD, 1}, {STORE, 0}, {STORE, 1},
    /* 18 */ {LOAD, 2}, {PUSH, 1}, {ADD, 0}, {STORE, 2}, {JMP, 6}, {HALT, 0},
    /* 24 */ {LOAD, 0}, {PRINT, 0}, {HALT, 0},
};

int main(int argc, char **argv)
{
    u64 scale = arg_scale(argc, argv, 1);
    static vm m;
    m.locals[0][3] = (i64)(600 * scale);
    u64 executed = run(&m, primes);
    static vm f;
    f.locals[0][3] = (i64)(2000 * scale);
    executed += run(&f, fibonacci);
    out_line("executed", executed);
    return (int)(executed % 256);
}
