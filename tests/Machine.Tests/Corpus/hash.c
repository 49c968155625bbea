/* Hashing: FNV-1a, CRC-32 (table built at run time), a murmur-style mixer, and an
 * open-addressing hash table with deletion. */
#include "crt.h"

static u32 crc_table[256];

static void crc_init(void)
{
    for (u32 i = 0; i < 256; i++) {
        u32 c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static u32 crc32(const u8 *p, size_t n)
{
    u32 c = 0xFFFFFFFFu;
    while (n--)
        c = crc_table[(c ^ *p++) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static u64 fnv1a(const u8 *p, size_t n)
{
    u64 h = 1469598103934665603UL;
    while (n--)
        h = (h ^ *p++) * 1099511628211UL;
    return h;
}

static u64 mix(u64 k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdUL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53UL;
    return k ^ (k >> 33);
}

static u32 rotl32(u32 x, int r) { return (x << r) | (x >> (32 - r)); }

static u32 murmur3(const u8 *data, size_t len, u32 seed)
{
    u32 h = seed;
    size_t blocks = len / 4;
    for (size_t i = 0; i < blocks; i++) {
        u32 k = (u32)data[4 * i] | (u32)data[4 * i + 1] << 8 | (u32)data[4 * i + 2] << 16 | (u32)data[4 * i + 3] << 24;
        k *= 0xcc9e2d51u;
        k = rotl32(k, 15);
        k *= 0x1b873593u;
        h ^= k;
        h = rotl32(h, 13);
        h = h * 5 + 0xe6546b64u;
    }
    u32 k = 0;
    const u8 *tail = data + blocks * 4;
    switch (len & 3) {
    case 3: k ^= (u32)tail[2] << 16; /* fall through */
    case 2: k ^= (u32)tail[1] << 8;  /* fall through */
    case 1: k ^= tail[0]; k *= 0xcc9e2d51u; k = rotl32(k, 15); k *= 0x1b873593u; h ^= k;
    }
    h ^= (u32)len;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    return h ^ (h >> 16);
}

#define SLOTS 8192
static u64 keys[SLOTS];
static u64 values[SLOTS];
static u8 state[SLOTS]; /* 0 empty, 1 full, 2 deleted */

static int table_put(u64 key, u64 value)
{
    u64 i = mix(key) & (SLOTS - 1);
    int probes = 0;
    while (state[i] == 1 && keys[i] != key) {
        i = (i + 1) & (SLOTS - 1);
        probes++;
    }
    keys[i] = key;
    values[i] = value;
    state[i] = 1;
    return probes;
}

static u64 *table_get(u64 key)
{
    u64 i = mix(key) & (SLOTS - 1);
    while (state[i] != 0) {
        if (state[i] == 1 && keys[i] == key)
            return &values[i];
        i = (i + 1) & (SLOTS - 1);
    }
    return 0;
}

static void table_delete(u64 key)
{
    u64 i = mix(key) & (SLOTS - 1);
    while (state[i] != 0) {
        if (state[i] == 1 && keys[i] == key) {
            state[i] = 2;
            return;
        }
        i = (i + 1) & (SLOTS - 1);
    }
}

static u8 text[10000];

int main(int argc, char **argv)
{
    u64 rounds = arg_scale(argc, argv, 1);
    crc_init();
    const char *hello = "The quick brown fox jumps over the lazy dog";
    out_line("crc32", crc32((const u8 *)hello, str_length(hello)));
    out_str("fnv1a ");
    out_hex(fnv1a((const u8 *)hello, str_length(hello)));
    out_char('\n');
    for (size_t len = 0; len < 8; len++)
        out_line("murmur3", murmur3((const u8 *)hello, len, 42));
    u64 total = 0;
    for (u64 r = 0; r < rounds; r++) {
        for (size_t i = 0; i < sizeof text; i++)
            text[i] = (u8)rng_next();
        total += crc32(text, sizeof text) + fnv1a(text, sizeof text) + murmur3(text, sizeof text, (u32)r);
        for (int i = 0; i < SLOTS; i++)
            state[i] = 0;
        u64 probes = 0;
        for (u64 k = 0; k < 5000; k++)
            probes += (u64)table_put(k * 7919 + r, k);
        for (u64 k = 0; k < 5000; k += 3)
            table_delete(k * 7919 + r);
        u64 found = 0, sum = 0;
        for (u64 k = 0; k < 5000; k++) {
            u64 *v = table_get(k * 7919 + r);
            if (v) {
                found++;
                sum += *v;
            }
        }
        if (r < 3) {
            out_line("probes", probes);
            out_line("found", found);
            out_line("sum", sum);
        }
        total += sum;
    }
    out_str("total ");
    out_hex(total);
    out_char('\n');
    return 0;
}
