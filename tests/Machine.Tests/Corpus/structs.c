/* Structure copies: large structures assigned, passed and returned by value, arrays of
 * structures, nested structures, unions, bit-fields and packed layouts. */
#include "crt.h"

typedef struct {
    i64 x, y, z;
} vec3;

typedef struct {
    char name[40];
    vec3 position, velocity;
    u32 flags;
    u16 id;
    u8 kind;
} body;

typedef struct {
    u32 low : 5;
    u32 mid : 11;
    i32 high : 16;
} packed_bits;

typedef union {
    u64 word;
    u32 halves[2];
    u8 bytes[8];
} pun;

typedef struct __attribute__((packed)) {
    u8 tag;
    u64 value;
    u16 tail;
} packed_record;

static vec3 add(vec3 a, vec3 b)
{
    vec3 r = {a.x + b.x, a.y + b.y, a.z + b.z};
    return r;
}

static body step(body b)
{
    b.position = add(b.position, b.velocity);
    b.velocity.z -= 1;
    b.flags ^= 1u << (b.id % 32);
    b.name[b.id % 39] = (char)('A' + b.kind % 26);
    return b;
}

static u64 body_hash(const body *b)
{
    u64 h = 0;
    const u8 *p = (const u8 *)b;
    for (size_t i = 0; i < sizeof *b; i++)
        h = h * 131 + p[i];
    return h;
}

static body world[64];

int main(int argc, char **argv)
{
    u64 scale = arg_scale(argc, argv, 1);
    memset(world, 0, sizeof world);
    for (int i = 0; i < 64; i++) {
        for (int k = 0; k < 39; k++)
            world[i].name[k] = (char)('a' + (i + k) % 26);
        world[i].position = (vec3){i, -i, i * i};
        world[i].velocity = (vec3){1, 2, 3 * i};
        world[i].id = (u16)i;
        world[i].kind = (u8)(i * 7);
    }
    for (u64 t = 0; t < scale * 100; t++) {
        for (int i = 0; i < 64; i++)
            world[i] = step(world[i]);
        body tmp = world[0];
        for (int i = 0; i < 63; i++)
            world[i] = world[i + 1];
        world[63] = tmp;
    }
    u64 h = 0;
    for (int i = 0; i < 64; i++)
        h = h * 31 + body_hash(&world[i]);
    out_str("world ");
    out_hex(h);
    out_char('\n');
    out_str(world[5].name);
    out_char('\n');
    out_i64(world[5].position.z);
    out_char('\n');

    packed_bits bits = {0};
    for (int i = 0; i < 10; i++) {
        bits.low += 7;
        bits.mid = (u32)(bits.mid * 3 + 1);
        bits.high -= 1000;
        out_u64(bits.low);
        out_char(' ');
        out_u64(bits.mid);
        out_char(' ');
        out_i64(bits.high);
        out_char('\n');
    }
    pun p;
    p.word = 0x0123456789ABCDEFUL;
    out_line("low half", p.halves[0]);
    out_line("byte 6", p.bytes[6]);
    p.bytes[0] = 0xFF;
    out_hex(p.word);
    out_char('\n');

    packed_record records[5];
    for (int i = 0; i < 5; i++)
        records[i] = (packed_record){(u8)i, 0x1111111111111111UL * (u64)i, (u16)(i * 1000)};
    packed_record copy[5];
    memcpy(copy, records, sizeof records);
    u64 sum = 0;
    for (int i = 0; i < 5; i++)
        sum += copy[i].value + copy[i].tail + copy[i].tag;
    out_line("packed size", sizeof(packed_record));
    out_line("packed sum", sum);
    return 0;
}
