/* The smallest root task: print through the console capability and exit with a code. */
#include <verified/libu.h>

int main(const u64 *bi)
{
    v_printf("hello from the root task: %lu untyped regions, %lu image pages\n", v_bi_untyped_count(bi), bi[VABI_BI_IMAGE_COUNT]);
    return 7;
}
