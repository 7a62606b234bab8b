// jemalloc's built-in options for every program linked against it (zm_allocator, cmake/ZeroMaskHelpers.cmake):
// freed memory stays with the process for reuse, never purged back to the system. jemalloc's default purges
// freed pages gradually over 10 s, and on virtual machines that reclaim freed pages every training step then
// faults its buffers in again: measured 63,700 minor faults per second and no faster than glibc, against
// 330 per second with these options (docs/ENGINE.md, "Memory allocator"). The environment variable
// MALLOC_CONF still overrides them (e.g. MALLOC_CONF=dirty_decay_ms:10000 gives memory back after 10 s).
extern "C" {
// The symbol jemalloc reads at start-up; `used`: kept although nothing in the program refers to it.
__attribute__((used)) const char* malloc_conf = "dirty_decay_ms:-1,muzzy_decay_ms:-1";
}
