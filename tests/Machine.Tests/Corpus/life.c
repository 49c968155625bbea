/* Conway's Game of Life on a torus, printed at a few generations. */
#include "crt.h"

#define W 48
#define H 24
static u8 grid[2][H][W];

static int neighbours(int g, int y, int x)
{
    int n = 0;
    for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++)
            if (dy || dx)
                n += grid[g][(y + dy + H) % H][(x + dx + W) % W];
    return n;
}

static void show(int g, u64 generation)
{
    out_line("generation", generation);
    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++)
            out_char(grid[g][y][x] ? '#' : '.');
        out_char('\n');
    }
}

int main(int argc, char **argv)
{
    u64 generations = 8 * arg_scale(argc, argv, 1);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            grid[0][y][x] = rng_next() % 3 == 0;
    /* A glider and a blinker on top of the noise. */
    grid[0][1][2] = grid[0][2][3] = grid[0][3][1] = grid[0][3][2] = grid[0][3][3] = 1;
    grid[0][10][20] = grid[0][10][21] = grid[0][10][22] = 1;
    int g = 0;
    for (u64 t = 0; t < generations; t++) {
        if (t % 3 == 0 && t < 9)
            show(g, t);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                int n = neighbours(g, y, x);
                grid[!g][y][x] = n == 3 || (n == 2 && grid[g][y][x]);
            }
        g = !g;
    }
    u64 alive = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            alive += grid[g][y][x];
    out_line("alive", alive);
    return (int)alive % 100;
}
