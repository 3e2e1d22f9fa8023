#ifndef CMALLOCCOUNTER_H
#define CMALLOCCOUNTER_H

/// Counts heap allocations made by the calling thread between start and stop
/// (test support: proves a training step allocates nothing). Linux/glibc only:
/// the test executable defines malloc & co. and forwards to glibc's __libc_*
/// entry points; elsewhere `backprop_malloc_counter_available` returns 0.
int backprop_malloc_counter_available(void);
void backprop_malloc_counter_start(void);
long backprop_malloc_counter_stop(void);
/// The bytes those allocations asked for (valid after stop, until the next start).
long backprop_malloc_counter_bytes(void);

#endif
