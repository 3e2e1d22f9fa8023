// Test-only allocation counter. The symbols below take precedence over glibc's
// in the test executable (ELF symbol interposition), count the calling
// thread's allocations while counting is on, and forward to glibc.
#include "CMallocCounter.h"
#include <errno.h>  // defines __GLIBC__ through <features.h>
#include <stddef.h>

static _Thread_local int counting = 0;
static _Thread_local long allocations = 0;
static _Thread_local long allocatedBytes = 0;

// Under a sanitizer (swift test --sanitize=address|thread), which replaces
// malloc itself, the counter stays out of the way and reports itself unavailable.
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define BACKPROP_UNDER_SANITIZER 1
#endif
#endif

#if defined(__linux__) && defined(__GLIBC__) && !defined(BACKPROP_UNDER_SANITIZER)

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void *pointer);

#define COUNT(bytes)            \
  if (counting) {               \
    allocations++;              \
    allocatedBytes += (bytes);  \
  }

void *malloc(size_t size) {
  COUNT(size)
  return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
  COUNT(count * size)
  return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
  COUNT(size)
  return __libc_realloc(pointer, size);
}

void free(void *pointer) { __libc_free(pointer); }

void *memalign(size_t alignment, size_t size) {
  COUNT(size)
  return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
  COUNT(size)
  return __libc_memalign(alignment, size);
}

int posix_memalign(void **result, size_t alignment, size_t size) {
  COUNT(size)
  void *pointer = __libc_memalign(alignment, size);
  if (pointer == NULL) return ENOMEM;
  *result = pointer;
  return 0;
}

int backprop_malloc_counter_available(void) { return 1; }
#else
int backprop_malloc_counter_available(void) { return 0; }
#endif

void backprop_malloc_counter_start(void) {
  allocations = 0;
  allocatedBytes = 0;
  counting = 1;
}

long backprop_malloc_counter_stop(void) {
  counting = 0;
  return allocations;
}

long backprop_malloc_counter_bytes(void) { return allocatedBytes; }
