/* Function pointers: an operation table, a generic sort with a comparator callback,
 * objects with a table of methods, and callbacks returning callbacks. */
#include "crt.h"

typedef i64 (*binary_op)(i64, i64);

static i64 op_add(i64 a, i64 b) { return a + b; }
static i64 op_sub(i64 a, i64 b) { return a - b; }
static i64 op_mul(i64 a, i64 b) { return a * b; }
static i64 op_max(i64 a, i64 b) { return a > b ? a : b; }
static i64 op_xor(i64 a, i64 b) { return a ^ b; }

static const binary_op ops[] = {op_add, op_sub, op_mul, op_max, op_xor};

static void generic_sort(void *base, size_t n, size_t size, int (*less)(const void *, const void *))
{
    u8 *a = base;
    u8 tmp[64];
    for (size_t i = 1; i < n; i++) {
        memcpy(tmp, a + i * size, size);
        size_t j = i;
        while (j > 0 && less(tmp, a + (j - 1) * size)) {
            memcpy(a + j * size, a + (j - 1) * size, size);
            j--;
        }
        memcpy(a + j * size, tmp, size);
    }
}

typedef struct {
    i32 key;
    u16 tag;
    char name[6];
} record;

static int by_key(const void *x, const void *y) { return ((const record *)x)->key < ((const record *)y)->key; }
static int by_tag_desc(const void *x, const void *y) { return ((const record *)x)->tag > ((const record *)y)->tag; }

typedef struct shape shape;
typedef struct {
    i64 (*area)(const shape *);
    i64 (*perimeter)(const shape *);
    const char *(*name)(void);
} shape_methods;

struct shape {
    const shape_methods *methods;
    i64 a, b;
};

static i64 rect_area(const shape *s) { return s->a * s->b; }
static i64 rect_perimeter(const shape *s) { return 2 * (s->a + s->b); }
static const char *rect_name(void) { return "rectangle"; }
static i64 square_area(const shape *s) { return s->a * s->a; }
static i64 square_perimeter(const shape *s) { return 4 * s->a; }
static const char *square_name(void) { return "square"; }
static i64 tri_area(const shape *s) { return s->a * s->b / 2; }
static i64 tri_perimeter(const shape *s) { return s->a + s->b + (s->a > s->b ? s->a : s->b); }
static const char *tri_name(void) { return "triangle"; }

static const shape_methods rect_methods = {rect_area, rect_perimeter, rect_name};
static const shape_methods square_methods = {square_area, square_perimeter, square_name};
static const shape_methods tri_methods = {tri_area, tri_perimeter, tri_name};

typedef i64 (*step_fn)(i64);
static i64 double_it(i64 x) { return x * 2; }
static i64 halve_it(i64 x) { return x / 2; }
static i64 triple_plus_one(i64 x) { return 3 * x + 1; }
static step_fn collatz_step(i64 x) { return x % 2 == 0 ? halve_it : triple_plus_one; }

int main(int argc, char **argv)
{
    u64 scale = arg_scale(argc, argv, 1);
    i64 acc = 7;
    for (int i = 0; i < 40; i++)
        acc = ops[i % 5](acc, i * 3 - 20);
    out_str("ops ");
    out_i64(acc);
    out_char('\n');

    record records[12];
    for (int i = 0; i < 12; i++) {
        records[i].key = (i32)(rng_next() % 1000) - 500;
        records[i].tag = (u16)(rng_next() % 50);
        for (int k = 0; k < 5; k++)
            records[i].name[k] = (char)('a' + (i * 7 + k * 3) % 26);
        records[i].name[5] = 0;
    }
    generic_sort(records, 12, sizeof(record), by_key);
    for (int i = 0; i < 12; i++) {
        out_i64(records[i].key);
        out_char(' ');
        out_str(records[i].name);
        out_char('\n');
    }
    generic_sort(records, 12, sizeof(record), by_tag_desc);
    for (int i = 0; i < 12; i++)
        out_line(records[i].name, records[i].tag);

    const shape shapes[] = {{&rect_methods, 3, 4}, {&square_methods, 5, 0}, {&tri_methods, 6, 8}, {&rect_methods, 10, 1}};
    for (int i = 0; i < 4; i++) {
        out_str(shapes[i].methods->name());
        out_char(' ');
        out_i64(shapes[i].methods->area(&shapes[i]));
        out_char(' ');
        out_i64(shapes[i].methods->perimeter(&shapes[i]));
        out_char('\n');
    }
    out_line("double", (u64)double_it(21));

    u64 steps = 0;
    for (u64 start = 1; start < 800 * scale; start++) {
        i64 x = (i64)start;
        while (x != 1) {
            x = collatz_step(x)(x);
            steps++;
        }
    }
    out_line("collatz steps", steps);
    return 0;
}
