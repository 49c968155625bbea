/* Sorting: quicksort, merge sort, heap sort and insertion sort agree on random arrays. */
#include "crt.h"

#define MAX 4096
static i64 original[MAX], work[MAX], scratch[MAX];

static void insertion(i64 *a, int n)
{
    for (int i = 1; i < n; i++) {
        i64 v = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void quick(i64 *a, int lo, int hi)
{
    while (hi - lo > 16) {
        i64 pivot = a[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                i64 t = a[i];
                a[i++] = a[j];
                a[j--] = t;
            }
        }
        if (j - lo < hi - i) {
            quick(a, lo, j);
            lo = i;
        } else {
            quick(a, i, hi);
            hi = j;
        }
    }
    insertion(a + lo, hi - lo + 1);
}

static void merge_sort(i64 *a, i64 *tmp, int n)
{
    for (int width = 1; width < n; width *= 2) {
        for (int lo = 0; lo < n; lo += 2 * width) {
            int mid = lo + width < n ? lo + width : n;
            int hi = lo + 2 * width < n ? lo + 2 * width : n;
            int i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
            while (i < mid)
                tmp[k++] = a[i++];
            while (j < hi)
                tmp[k++] = a[j++];
        }
        for (int i = 0; i < n; i++)
            a[i] = tmp[i];
    }
}

static void sift(i64 *a, int root, int n)
{
    for (;;) {
        int child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && a[child + 1] > a[child])
            child++;
        if (a[root] >= a[child])
            return;
        i64 t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

static void heap(i64 *a, int n)
{
    for (int i = n / 2 - 1; i >= 0; i--)
        sift(a, i, n);
    for (int end = n - 1; end > 0; end--) {
        i64 t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift(a, 0, end);
    }
}

static u64 digest(const i64 *a, int n)
{
    u64 h = 1469598103934665603UL;
    for (int i = 0; i < n; i++)
        h = (h ^ (u64)a[i]) * 1099511628211UL;
    return h;
}

static int sorted(const i64 *a, int n)
{
    for (int i = 1; i < n; i++)
        if (a[i - 1] > a[i])
            return 0;
    return 1;
}

int main(int argc, char **argv)
{
    u64 rounds = arg_scale(argc, argv, 1);
    int failures = 0;
    for (u64 r = 0; r < rounds; r++) {
        int n = 300 + (int)(rng_next() % 1200);
        for (int i = 0; i < n; i++)
            original[i] = (i64)(rng_next() % 100000) - 50000;
        u64 expected = 0;
        for (int method = 0; method < 4; method++) {
            for (int i = 0; i < n; i++)
                work[i] = original[i];
            if (method == 0)
                quick(work, 0, n - 1);
            else if (method == 1)
                merge_sort(work, scratch, n);
            else if (method == 2)
                heap(work, n);
            else
                insertion(work, n < 600 ? n : 600);
            int m = method == 3 && n > 600 ? 600 : n;
            if (!sorted(work, m))
                failures++;
            u64 d = digest(work, m);
            if (method == 0)
                expected = d;
            else if (method < 3 && d != expected)
                failures++;
            if (r < 4) {
                out_str(method == 0 ? "quick " : method == 1 ? "merge " : method == 2 ? "heap " : "insertion ");
                out_hex(d);
                out_str(" min ");
                out_i64(work[0]);
                out_str(" max ");
                out_i64(work[m - 1]);
                out_char('\n');
            }
        }
    }
    out_line("failures", (u64)failures);
    return failures;
}
