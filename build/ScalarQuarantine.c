/*
 * libHiFiCScalarQuarantine.so: defers TorchSharp's frees of native Scalars.
 *
 * Why: TorchSharp 0.107 passes `scalar.Handle` to native ops without keeping the Scalar alive
 * (no GC.KeepAlive), so a GC on another thread can finalize it while the op is still about to read
 * it, and ~Scalar() frees the c10::Scalar under the op (use-after-free: "Expected false to be true
 * ... Scalar.h:140", or silently a wrong value). Upstream: dotnet/TorchSharp PRs #1434, #1496.
 *
 * How: this library defines THSTorch_dispose_scalar and names libLibTorchSharp.so as DT_NEEDED, so
 * dlsym on its handle finds this one definition and every other THS* symbol in the real library.
 * HiFiC.Codec's DllImport resolver makes TorchSharp's "LibTorchSharp" imports bind here. A disposed
 * Scalar goes into a ring and is really freed only once it is older than QUARANTINE_NS or the ring
 * is full (QUARANTINE_CAP disposals later): a native op reads its Scalar arguments first thing,
 * so it has long finished with them by then.
 *
 * Built by Directory.Build.targets with gcc next to each copied libLibTorchSharp.so; if it is not
 * there, or fails to load, TorchSharp binds the real library as before.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#define QUARANTINE_CAP (1u << 20)            /* 16 MiB of ring; ~48 MiB of Scalars when full */
#define QUARANTINE_NS  (2000000000LL)         /* 2 s */

typedef void (*dispose_fn)(void*);

static struct { void* ptr; int64_t at; } ring[QUARANTINE_CAP];
static uint32_t head, count;                  /* oldest entry, entries held */
static uint64_t disposed, freed;
static dispose_fn real_dispose;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
    return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* The real THSTorch_dispose_scalar, looked up in libLibTorchSharp.so itself (not through us). */
static dispose_fn find_real(void)
{
    void* lib = dlopen("libLibTorchSharp.so", RTLD_NOW | RTLD_NOLOAD);
    dispose_fn f = lib ? (dispose_fn)dlsym(lib, "THSTorch_dispose_scalar") : 0;
    if (lib) dlclose(lib);
    return f;
}

void THSTorch_dispose_scalar(void* scalar)
{
    if (scalar == 0) return;
    pthread_mutex_lock(&lock);
    if (real_dispose == 0) real_dispose = find_real();
    if (real_dispose == 0 || real_dispose == THSTorch_dispose_scalar)
    {
        /* Cannot happen with the DT_NEEDED link; leaking one Scalar beats freeing it early. */
        pthread_mutex_unlock(&lock);
        return;
    }
    int64_t t = now_ns();
    disposed++;
    while (count > 0 && (count == QUARANTINE_CAP || t - ring[head].at > QUARANTINE_NS))
    {
        real_dispose(ring[head].ptr);
        freed++;
        head = (head + 1) % QUARANTINE_CAP;
        count--;
    }
    uint32_t tail = (head + count) % QUARANTINE_CAP;
    ring[tail].ptr = scalar;
    ring[tail].at = t;
    count++;
    pthread_mutex_unlock(&lock);
}

/* For the managed side's check that TorchSharp really disposes through this library. */
uint64_t hific_scalar_quarantine_disposed(void)
{
    pthread_mutex_lock(&lock);
    uint64_t n = disposed;
    pthread_mutex_unlock(&lock);
    return n;
}

uint64_t hific_scalar_quarantine_freed(void)
{
    pthread_mutex_lock(&lock);
    uint64_t n = freed;
    pthread_mutex_unlock(&lock);
    return n;
}
