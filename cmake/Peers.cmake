# Industry peers for the benchmarks: optional. Each found one adds a compile definition
# (KATA_HAVE_<NAME>) and its library to the `kata_peers` target; an absent one is a note, and its
# benchmark rows are simply not built. `./kata selftest` (and so CI) installs them.
add_library(kata_peers INTERFACE)
set(KATA_PEERS_FOUND "")

find_package(TBB QUIET CONFIG)
if(TARGET TBB::tbb)
  target_link_libraries(kata_peers INTERFACE TBB::tbb)
  target_compile_definitions(kata_peers INTERFACE KATA_HAVE_TBB)
  list(APPEND KATA_PEERS_FOUND oneTBB)
endif()

find_path(KATA_MOODYCAMEL_DIR concurrentqueue/blockingconcurrentqueue.h)
if(KATA_MOODYCAMEL_DIR)
  target_include_directories(kata_peers SYSTEM INTERFACE ${KATA_MOODYCAMEL_DIR})
  target_compile_definitions(kata_peers INTERFACE KATA_HAVE_MOODYCAMEL)
  list(APPEND KATA_PEERS_FOUND moodycamel)
endif()

# The single-producer single-consumer rings of spsc_ring's benchmark (header-only).
find_path(KATA_ATOMIC_QUEUE_DIR atomic_queue/atomic_queue.h)
if(KATA_ATOMIC_QUEUE_DIR)
  target_include_directories(kata_peers SYSTEM INTERFACE ${KATA_ATOMIC_QUEUE_DIR})
  target_compile_definitions(kata_peers INTERFACE KATA_HAVE_ATOMIC_QUEUE)
  list(APPEND KATA_PEERS_FOUND atomic_queue)
endif()

find_path(KATA_READERWRITERQUEUE_DIR readerwriterqueue/readerwriterqueue.h)
if(KATA_READERWRITERQUEUE_DIR)
  target_include_directories(kata_peers SYSTEM INTERFACE ${KATA_READERWRITERQUEUE_DIR})
  target_compile_definitions(kata_peers INTERFACE KATA_HAVE_READERWRITERQUEUE)
  list(APPEND KATA_PEERS_FOUND ReaderWriterQueue)
endif()

find_package(Boost 1.70 QUIET CONFIG)
if(TARGET Boost::headers)
  target_link_libraries(kata_peers INTERFACE Boost::headers)
  target_compile_definitions(kata_peers INTERFACE KATA_HAVE_BOOST)
  list(APPEND KATA_PEERS_FOUND Boost)
endif()

if(TARGET absl::synchronization AND TARGET absl::flat_hash_map)
  target_link_libraries(kata_peers INTERFACE absl::synchronization absl::flat_hash_map)
  target_compile_definitions(kata_peers INTERFACE KATA_HAVE_ABSL)
  list(APPEND KATA_PEERS_FOUND Abseil)
endif()

find_package(spdlog QUIET CONFIG)
if(TARGET spdlog::spdlog)
  target_link_libraries(kata_peers INTERFACE spdlog::spdlog)
  target_compile_definitions(kata_peers INTERFACE KATA_HAVE_SPDLOG)
  list(APPEND KATA_PEERS_FOUND spdlog)
endif()

message(STATUS "Benchmark peers found: ${KATA_PEERS_FOUND} (see docs/benchmarks.md for the rest)")
