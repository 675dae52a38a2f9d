# The three builds of every test suite. Each is an INTERFACE target carrying its flags, so one test
# source becomes three executables in one build tree.
#   plain: optimised, with assertions (and libstdc++'s container checks) on
#   tsan:  ThreadSanitizer
#   asan:  AddressSanitizer + UndefinedBehaviorSanitizer
set(KATA_VARIANTS plain tsan asan)

# Full debug information, for a learner's debugger; line tables only (-g1) for a target whose
# property KATA_LINE_TABLES_ONLY is set: the references, the skeleton checks and the mutants, which
# no one steps through.
set(kata_debug_info "$<IF:$<BOOL:$<TARGET_PROPERTY:KATA_LINE_TABLES_ONLY>>,-g1,-g>")

add_library(kata_variant_plain INTERFACE)
target_compile_options(kata_variant_plain INTERFACE -O2 ${kata_debug_info})
target_compile_definitions(kata_variant_plain INTERFACE _GLIBCXX_ASSERTIONS)

add_library(kata_variant_tsan INTERFACE)
target_compile_options(kata_variant_tsan INTERFACE -O1 ${kata_debug_info} -fsanitize=thread)
target_link_options(kata_variant_tsan INTERFACE -fsanitize=thread)

add_library(kata_variant_asan INTERFACE)
target_compile_options(kata_variant_asan INTERFACE
  -O1 ${kata_debug_info} -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all)
target_link_options(kata_variant_asan INTERFACE -fsanitize=address,undefined)

# sched: controlled schedules (docs/schedules.md). The suite is compiled with ThreadSanitizer's
# instrumentation but linked with the project's own runtime (harness/sched) instead of libtsan: each
# atomic operation and each pthread call becomes a scheduling point of a deterministic scheduler.
# A prototype: off by default, and then only for the katas in KATA_SCHED_KATAS; KATA_VARIANTS, and
# so every other build, is unchanged.
option(KATA_SCHED "Build the sched variant (controlled schedules) for the katas in KATA_SCHED_KATAS" OFF)
# Without KATA_SCHED, the references and the mutants only the sched variant catches are still built
# in it for ./kata selftest (cmake/Kata.cmake), unless this is off.
option(KATA_SCHED_SELFTEST "Check the references and the sched mutants of KATA_SCHED_KATAS in the sched variant" ON)
set(KATA_SCHED_KATAS bounded_queue lock_free_stack rate_limiter striped_hash_map lru_cache rw_lock
    bank_transfers spsc_ring thread_pool concurrent_logger)
# The tests the sched variant runs, wherever it runs (ctest, the grader through the manifest's
# `tests`): what a schedule can break. The Contract tests run one thread, the same schedule every
# time, and some are long walks of single calls (rate_limiter's drift test: 10^6 refills, past the
# 60 s limit with every atomic a scheduling point).
set(KATA_SCHED_TESTS "*Concurrency.*:*Liveness.*:*Linearizability.*:*Interleaving.*")
# The tests the selftest runs of a kata under the scheduler, where the default (KATA_SCHED_TESTS:
# its Concurrency, Liveness, Linearizability and Interleaving tests) costs too much: rate_limiter's
# Concurrency shapes of 3 to 8 threads repeat hundreds of rounds of the same race, 103 s of ctest's
# test time (sec*proc) in all;
# a schedule, not the thread count, makes the race, and with the two-thread shapes only the kata
# costs 19 s of it, 9.6 s of wall time at -j2 (docs/schedules.md).
set(KATA_SCHED_SELFTEST_FILTER_rate_limiter "*Concurrency.*/t2_*:Liveness.*:*Linearizability.*")
# lru_cache and striped_hash_map likewise: their 4- and 8-thread shapes are about 60% of lru_cache's
# time under the scheduler, and a schedule, not the thread count, makes the race. Left out as well,
# one test each that costs the most there and whose only mutant is a data race, which a schedule
# cannot show (plain loads and stores are not scheduling points; 0 of 20 seeds):
# lru_cache's Concurrency.L2_ConcurrentHitsOnAFullCache (960,000 calls in plain, 6.5 s of ctest's
# test time for its two shapes) and striped_hash_map's L3_ResizeUnderLoadLosesNothing (2000 keys a
# round in every variant, 10 s for one shape; Linearizability.L3_* grows the table under the
# scheduler instead). docs/schedules.md has the figures.
set(KATA_SCHED_SELFTEST_FILTER_lru_cache
    "*Concurrency.*/t2_*:*Liveness.*:*Linearizability.*-*L2_ConcurrentHitsOnAFullCache/*")
set(KATA_SCHED_SELFTEST_FILTER_striped_hash_map
    "*Concurrency.*/t2_*:Liveness.*:*Linearizability.*-*L3_ResizeUnderLoadLosesNothing/*")
# bank_transfers: its Concurrency tests' only mutants are data races (0 of 20 under the scheduler),
# and their 4- and 8-thread shapes are 15 of the 19 s of ctest's test time of the default set; the
# scripted Interleaving tests (a call paused at a lock, two threads) are added: the schedule around
# the pause is the scheduler's (2.3 s in all, docs/schedules.md).
set(KATA_SCHED_SELFTEST_FILTER_bank_transfers
    "*Concurrency.*/t2_*:Liveness.*:*Linearizability.*:Interleaving.*")
# thread_pool: its one- and two-thread shapes with one submitter. All four shapes made the kata 33 s
# of ctest's test time (its two sched mutants 7.6 s of it), t2_s3 and t4_s2 10.9 s of it. The
# Liveness tests run the pool's races on two threads, and the two sched mutants every shape.
set(KATA_SCHED_SELFTEST_FILTER_thread_pool "*Concurrency.*/t1_*:*Concurrency.*/t2_s1:Liveness.*")
set(KATA_SCHED_BUILD OFF)
if(KATA_SCHED OR KATA_SCHED_SELFTEST)
  set(KATA_SCHED_BUILD ON)
endif()
if(KATA_SCHED_BUILD)
  add_library(kata_variant_sched INTERFACE)
  # The harness library itself is not instrumented (KATA_SCHED_UNINSTRUMENTED): its bookkeeping
  # atomics are not the test's synchronisation, and as scheduling points they only bury the steps
  # that matter. Its pthread calls still reach the scheduler.
  target_compile_options(kata_variant_sched INTERFACE -O1 -g
    $<$<NOT:$<BOOL:$<TARGET_PROPERTY:KATA_SCHED_UNINSTRUMENTED>>>:-fsanitize=thread>)
  target_compile_definitions(kata_variant_sched INTERFACE KATA_SCHED=1)
  # Whole archive: its pthread_* definitions are needed although libc would satisfy the references.
  target_link_libraries(kata_variant_sched INTERFACE "$<LINK_LIBRARY:WHOLE_ARCHIVE,kata_sched_runtime>")
endif()

# Warnings for everything we build; -Werror only where the code is ours (not the learner's header).
add_library(kata_warnings INTERFACE)
target_compile_options(kata_warnings INTERFACE -Wall -Wextra)
add_library(kata_strict INTERFACE)
target_link_libraries(kata_strict INTERFACE kata_warnings)
if(KATA_WERROR)
  target_compile_options(kata_strict INTERFACE -Werror)
endif()

# Sanitizer options every test process gets. They are also compiled into the test binaries
# (harness/src/sanitizer_defaults.cc), so a grader that strips the environment changes nothing.
set(KATA_ENV_plain "KATA_VARIANT=plain")
set(KATA_ENV_tsan "TSAN_OPTIONS=halt_on_error=1:exitcode=66:second_deadlock_stack=1:history_size=4")
set(KATA_ENV_asan "ASAN_OPTIONS=halt_on_error=1:abort_on_error=0:detect_leaks=1:exitcode=67")
set(KATA_ENV_sched "KATA_VARIANT=sched")
