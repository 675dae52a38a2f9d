# kata_add(<name>): everything one kata needs, from its folders alone.
#
#   katas/<name>/<name>.h          the learner's header (namespace kata)
#   katas/<name>/tests/*.cc        the kata's test suite, written against under_test::
#   solutions/<name>/<name>.h      the reference (namespace solution)
#   solutions/<name>/mutants/*.mutant  deliberately wrong versions of the reference
#
# For each variant (plain, tsan, asan) the suite is built twice, against the learner's header and
# against the reference, and every test becomes a CTest test named <name>/<who>/<variant>/<Test>,
# labelled <who> (kata or reference), <name> and <variant>. Each mutant becomes one CTest test,
# labelled mutants, that passes only when the suite catches it. The pristine skeleton gets one test,
# labelled skeleton, that checks every test fails fast with the not-implemented message. Each
# answer in solutions/<name>/answers/*.h (a whole learner answer, docs/answers.md) gets the learner's
# test binaries in the variants its verdict needs, built by target `answers` (not in `all`), and one
# CTest test, labelled answers, that grades it with the grader and checks the verdict it declares.
include(GoogleTest)

add_custom_target(katas)        # the learner's test binaries
add_custom_target(references)   # the references' test binaries
add_custom_target(mutants)      # the mutants' test binaries
add_custom_target(skeletons)    # the suites against the pristine skeletons (the skeleton tests)
add_custom_target(kata_benchmarks)  # one Google Benchmark binary per kata (the learner's, the self-check's)
# The self-check's alone: the reference in the learner's place, what ./kata selftest runs
# (grader/self_check) and needs built. The learner's copy compiles the skeleton into the same
# source: nothing in the selftest runs it, and it was ~3% of the selftest's build.
add_custom_target(kata_benchmark_selfchecks)
add_custom_target(answers)      # the answers corpus' test binaries (solutions/<kata>/answers/)

set(KATA_TOOLS_DIR ${CMAKE_CURRENT_LIST_DIR}/../tools)

# One test binary: the suite `sources` compiled against `header`, whose classes live in `ns`.
function(_kata_test_binary target)
  cmake_parse_arguments(ARG "" "KATA_DIR;VARIANT;HEADER;NS;WARNINGS" "SOURCES" ${ARGN})
  add_executable(${target} ${ARG_SOURCES})
  # One translation unit per binary (KATA_UNITY_BUILD): GoogleTest's, the harness's and the kata's
  # headers are parsed once, not once per test file. So the test files of one kata share one
  # anonymous namespace: a helper's name must be unique across the kata's tests/*.cc.
  set_target_properties(${target} PROPERTIES UNITY_BUILD ${KATA_UNITY_BUILD} UNITY_BUILD_BATCH_SIZE 0)
  target_compile_definitions(${target} PRIVATE KATA_HEADER="${ARG_HEADER}" KATA_NS=${ARG_NS})
  # The kata's folder first, so provided headers (clock.h, log_sink.h, ...) always come from it.
  target_include_directories(${target} PRIVATE ${ARG_KATA_DIR} ${PROJECT_SOURCE_DIR}/harness/include)
  target_link_libraries(${target} PRIVATE kata_harness_${ARG_VARIANT} ${ARG_WARNINGS})
  # The variant's precompiled header, where its harness library has one (harness/CMakeLists.txt).
  get_target_property(precompiled kata_harness_${ARG_VARIANT} PRECOMPILE_HEADERS)
  if(precompiled)
    target_precompile_headers(${target} REUSE_FROM kata_harness_${ARG_VARIANT})
  endif()
  # Every kata binary at the top of the build tree, wherever kata_add() was called from.
  set_target_properties(${target} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
endfunction()

# Of the suite compiled into `target`, only the tests `filter` (a gtest filter) selects are
# code-generated; the others are parsed and checked, and skip if run (harness/only_tests.h).
# In a unity build it is included by the unity source, after the precompiled header (which only
# works as the first thing a translation unit reads); else forced in ahead of everything.
function(_kata_only_tests target filter)
  target_compile_definitions(${target} PRIVATE KATA_ONLY_TESTS="${filter}")
  get_target_property(unity ${target} UNITY_BUILD)
  if(unity)
    set_target_properties(${target} PROPERTIES
      UNITY_BUILD_CODE_BEFORE_INCLUDE "#include \"harness/only_tests.h\"")
  else()
    target_compile_options(${target} PRIVATE
      "SHELL:-include ${PROJECT_SOURCE_DIR}/harness/include/harness/only_tests.h")
  endif()
endfunction()

# Labels the tests gtest_discover_tests finds when ctest runs. (Its PROPERTIES option flattens list
# values, so a list of labels cannot go through it.) Runs after the discovery script, which leaves the
# names in <target>_TESTS; a binary that was not built is listed as <target>_NOT_BUILT and labelled too.
function(_kata_label_discovered_tests target labels)
  set(script ${CMAKE_CURRENT_BINARY_DIR}/${target}_labels.cmake)
  file(GENERATE OUTPUT ${script} CONTENT
"if(EXISTS \"$<TARGET_FILE:${target}>\")
  set_tests_properties(\${${target}_TESTS} PROPERTIES LABELS \"${labels}\")
else()
  set_tests_properties(${target}_NOT_BUILT PROPERTIES LABELS \"${labels}\")
endif()
")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${script})
endfunction()

# The grader reads what kata_add() registered from <build>/katas/<name>.json, so it needs no
# knowledge of the layout: the kata's headers and variants, and every target by role (learner,
# reference, mutant, benchmark, self-check) and variant, with the answers' (docs/answers.md).
file(REMOVE_RECURSE ${CMAKE_BINARY_DIR}/katas)

# _kata_json_set(<json variable> <value> <key or index>...): sets the member at that path of the
# JSON document in the variable to the string `value`, escaped (a path with a quote or a backslash
# still makes valid JSON). An index one past an array's end appends.
function(_kata_json_set json value)
  string(REPLACE "\\" "\\\\" value "${value}")
  string(REPLACE "\"" "\\\"" value "${value}")
  string(JSON doc SET "${${json}}" ${ARGN} "\"${value}\"")
  set(${json} "${doc}" PARENT_SCOPE)
endfunction()

# Writes kata_add()'s manifest, the JSON document in its variable `manifest`.
macro(_kata_write_manifest)
  file(WRITE ${CMAKE_BINARY_DIR}/katas/${name}.json "${manifest}\n")
endmacro()

# kata_add()'s parts, in the order it runs them. Macros, so that they run in its scope: they read
# its variables (name, kata_dir, variants, whos, the headers, ...) and add to its `manifest`.

# The suite's test binaries: one per variant and side (the learner's, the reference's), each
# test registered with ctest when ctest runs.
macro(_kata_add_suites)
  foreach(variant IN LISTS variants selftest_variants)
    set(variant_whos ${whos})
    if(variant IN_LIST selftest_variants)
      list(REMOVE_ITEM variant_whos kata)
    endif()
    if(ARG_REFERENCE_FROM AND reference IN_LIST variant_whos)
      list(REMOVE_ITEM variant_whos reference)
      _kata_json_set(manifest ${ARG_REFERENCE_FROM}_reference_${variant} targets reference ${variant})
    endif()
    foreach(who IN LISTS variant_whos)
      set(target ${name}_${who}_${variant})
      _kata_test_binary(${target} KATA_DIR ${kata_dir} VARIANT ${variant} HEADER ${${who}_header}
                        NS ${${who}_ns} WARNINGS ${${who}_warn} SOURCES ${sources})
      add_dependencies(${who}s ${target})
      # Line tables are all the reference's reports need (sanitizers' stacks, gtest's file:line);
      # full debug information, 13% of its asan compile and half its object, is for the learner's
      # debugger.
      if(who STREQUAL "reference")
        set_target_properties(${target} PROPERTIES KATA_LINE_TABLES_ONLY TRUE)
      endif()
      if(NOT variant IN_LIST selftest_variants)
        _kata_json_set(manifest ${target} targets ${${who}_role} ${variant})
      endif()
      # The sched binaries run what a schedule can break (KATA_SCHED_TESTS, cmake/Variants.cmake).
      set(discovery_filter "")
      if(variant STREQUAL "sched")
        set(discovery_filter TEST_FILTER "${KATA_SCHED_TESTS}")
      endif()
      if(variant IN_LIST selftest_variants)
        # A kata whose whole suite costs too much there narrows the selftest's (cmake/Variants.cmake).
        if(DEFINED KATA_SCHED_SELFTEST_FILTER_${name})
          set(discovery_filter TEST_FILTER "${KATA_SCHED_SELFTEST_FILTER_${name}}")
        endif()
      endif()
      # PRE_TEST: tests are listed when ctest runs, never at build time, so a learner header that
      # crashes or hangs at start-up cannot break the build.
      gtest_discover_tests(${target} ${discovery_filter}
        TEST_PREFIX "${name}/${who}/${variant}/"
        DISCOVERY_MODE PRE_TEST
        DISCOVERY_TIMEOUT 30
        NO_PRETTY_VALUES
        # gtest's own report of each test, which the grader reads: a process that exits 0 without
        # running its test (std::exit from a header) leaves none.
        XML_OUTPUT_DIR ${CMAKE_BINARY_DIR}/gtest-xml
        PROPERTIES
          TIMEOUT 120
          ENVIRONMENT "${KATA_ENV_${variant}}")
      set(labels "${who};${name};${variant}")
      # The reference's sanitizer suites, one process per test here, are what grader/self_check
      # runs too, through the grader (one process per suite, 2-3x cheaper): ./kata selftest runs
      # them there only (-LE self_checked). Its plain suite stays one process per test, as a
      # learner's `ctest -L kata` runs it: a test must pass alone, not only after the others.
      if(who STREQUAL "reference" AND variant MATCHES "^(tsan|asan)$")
        list(APPEND labels self_checked)
      endif()
      _kata_label_discovered_tests(${target} "${labels}")
    endforeach()
  endforeach()
endmacro()

macro(_kata_add_benchmark)
  # benchmarks/<name>_benchmark.cc (or BENCHMARK's source), if the kata has one: the learner's
  # class, the reference, baselines and peers in one optimised binary (no sanitizer).
  if(has_benchmark)
    # <name>_benchmark: the learner against the reference. <name>_benchmark_selfcheck: the reference
    # in the learner's place, for the grader's self-check (every ratio should be 1).
    foreach(bench_target ${name}_benchmark ${name}_benchmark_selfcheck)
      add_executable(${bench_target} ${bench_source})
      set_target_properties(${bench_target} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
      target_include_directories(${bench_target} PRIVATE ${kata_dir} ${PROJECT_SOURCE_DIR}/benchmarks
                                                         ${PROJECT_SOURCE_DIR}/harness/include)
      # Every function and loop on a 64-byte boundary, so the learner's and the reference's copies
      # of one benchmark body sit alike in the cache lines they are fetched from: unaligned, the
      # self-check's two copies of one code differed by up to 5% at 1 thread, the same way in
      # every run (docs/benchmarks.md).
      target_compile_options(${bench_target} PRIVATE -O2 -falign-functions=64 -falign-loops=64)
      target_link_libraries(${bench_target} PRIVATE benchmark::benchmark kata_peers kata_warnings
                                                    Threads::Threads)
      add_dependencies(kata_benchmarks ${bench_target})
    endforeach()
    add_dependencies(kata_benchmark_selfchecks ${name}_benchmark_selfcheck)
    _kata_json_set(manifest ${name}_benchmark targets benchmark)
    _kata_json_set(manifest ${name}_benchmark_selfcheck targets self-check)
    target_compile_definitions(${name}_benchmark PRIVATE
      KATA_LEARNER_HEADER="${kata_header}" KATA_REFERENCE_HEADER="${reference_header}")
    target_compile_definitions(${name}_benchmark_selfcheck PRIVATE KATA_LEARNER_NS=solution
      KATA_LEARNER_HEADER="${reference_header}" KATA_REFERENCE_HEADER="${reference_header}")
  endif()
endmacro()

macro(_kata_add_skeleton)
  # The skeleton check runs the suite against the pristine skeleton, never the learner's header
  # (solved, it passes). The copy is derived at build time from the one skeleton text there is: the
  # header while it is still a skeleton, else its newest committed version that is one
  # (tools/check_skeleton.py; ci.yml fetches the history for it).
  set(skeleton ${CMAKE_CURRENT_BINARY_DIR}/skeletons/${name}/${kata_basename}.h)
  add_custom_command(OUTPUT ${skeleton} ${skeleton}.source
    COMMAND Python3::Interpreter ${KATA_TOOLS_DIR}/check_skeleton.py pristine ${kata_header}
            ${skeleton}
    DEPENDS ${kata_header} ${KATA_TOOLS_DIR}/check_skeleton.py
    COMMENT "Pristine skeleton ${name}")
  _kata_test_binary(${name}_skeleton_plain KATA_DIR ${kata_dir} VARIANT plain HEADER ${skeleton}
                    NS kata WARNINGS kata_warnings SOURCES ${sources} ${skeleton})
  set_target_properties(${name}_skeleton_plain PROPERTIES KATA_LINE_TABLES_ONLY TRUE)
  add_dependencies(skeletons ${name}_skeleton_plain)
  _kata_json_set(manifest ${name}_skeleton_plain targets skeleton plain)
  add_test(NAME ${name}/skeleton
           COMMAND Python3::Interpreter ${KATA_TOOLS_DIR}/check_skeleton.py check
                   $<TARGET_FILE:${name}_skeleton_plain> --source ${skeleton}.source)
  set_tests_properties(${name}/skeleton PROPERTIES LABELS "skeleton;${name}" TIMEOUT 300)
endmacro()

# One test per mutant of the reference (solutions/<name>/mutants/*.mutant).
macro(_kata_add_mutants)
  file(GLOB mutant_files CONFIGURE_DEPENDS ${solution_dir}/mutants/*.mutant)
  # Its variant and caught-by are read here: configure again when a mutant's header changes.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${mutant_files})
  foreach(mutant_file IN LISTS mutant_files)
    get_filename_component(mutant ${mutant_file} NAME_WE)
    file(STRINGS ${mutant_file} variant REGEX "^variant: *")
    file(STRINGS ${mutant_file} filter REGEX "^caught-by: *")
    string(REGEX REPLACE "^variant: *" "" variant "${variant}")
    string(REGEX REPLACE "^caught-by: *" "" filter "${filter}")
    if(NOT (variant IN_LIST KATA_VARIANTS OR variant MATCHES "^(sched|build)$") OR filter STREQUAL "")
      message(FATAL_ERROR "${mutant_file}: needs 'variant: plain|tsan|asan|sched|build' and 'caught-by: <gtest filter>'")
    endif()
    # A mutant only the sched variant catches (an interleaving no stress run finds every time) is
    # built and run only where that variant is (KATA_SCHED, KATA_SCHED_KATAS).
    if(variant STREQUAL "sched" AND NOT "sched" IN_LIST variants
       AND NOT "sched" IN_LIST selftest_variants)
      continue()
    endif()
    set(header ${CMAKE_CURRENT_BINARY_DIR}/mutants/${name}/${mutant}.h)
    add_custom_command(OUTPUT ${header}
      COMMAND kata_mutate ${reference_header} ${mutant_file} ${header}
      DEPENDS kata_mutate ${reference_header} ${mutant_file}
      COMMENT "Mutant ${name}/${mutant}")
    # A mutant binary needs only the suite's file for the category its catching tests are in
    # (Contract.* -> tests/contract_test.cc): mutants are most of the build, and this cuts them ~3x.
    set(mutant_sources ${sources})
    string(REPLACE ":" ";" patterns "${filter}")
    set(categories "")
    foreach(pattern IN LISTS patterns)
      string(REGEX REPLACE "^([A-Za-z0-9_]+/)?([A-Za-z]+)\\..*$" "\\2" category "${pattern}")
      string(TOLOWER "${category}" category)
      list(APPEND categories ${category})
    endforeach()
    list(REMOVE_DUPLICATES categories)
    list(LENGTH categories category_count)
    # Nested: with several categories, `${categories}` would split the condition apart.
    if(category_count EQUAL 1)
      if(EXISTS ${kata_dir}/tests/${categories}_test.cc)
        set(mutant_sources ${kata_dir}/tests/${categories}_test.cc)
      endif()
    endif()
    set(target ${name}_mutant_${mutant})
    # variant build: a clause only the compiler checks (a type the class must accept); the mutant
    # is caught when the suite's file does not compile against it, in the test named
    # (tools/expect_compile_error.py). Only its header is built.
    if(variant STREQUAL "build")
      if(NOT mutant_sources MATCHES "_test\\.cc$" OR mutant_sources MATCHES ";")
        message(FATAL_ERROR "${mutant_file}: a build mutant names tests of one category")
      endif()
      add_custom_target(${target} DEPENDS ${header})
      add_dependencies(mutants ${target})
      add_test(NAME ${name}/mutant/${mutant}
               COMMAND Python3::Interpreter ${KATA_TOOLS_DIR}/expect_compile_error.py
                       --build-dir ${CMAKE_BINARY_DIR} --like ${name}_reference_plain
                       --compiler ${CMAKE_CXX_COMPILER} --header ${header}
                       --source ${mutant_sources} --caught-by "${filter}")
      set_tests_properties(${name}/mutant/${mutant} PROPERTIES
        LABELS "mutants;${name};build" TIMEOUT 600)
      continue()
    endif()
    _kata_test_binary(${target} KATA_DIR ${kata_dir} VARIANT ${variant} HEADER ${header} NS solution
                      WARNINGS kata_warnings SOURCES ${mutant_sources} ${header})
    _kata_only_tests(${target} "${filter}")
    # Line tables are all a mutant's reports need (sanitizers' stacks, gtest's file:line): full
    # debug information was 15% of its compile time (cmake/Variants.cmake).
    set_target_properties(${target} PROPERTIES KATA_LINE_TABLES_ONLY TRUE)
    add_dependencies(mutants ${target})
    string(JSON manifest SET "${manifest}" targets mutant ${mutant} "{}")
    _kata_json_set(manifest ${variant} targets mutant ${mutant} variant)
    _kata_json_set(manifest ${target} targets mutant ${mutant} target)
    # environment: the variables its run needs (a sched mutant's strategy), set in the test's own
    # command, so that whatever runs it (ctest, tools/mutant_stats.py) runs it the same way.
    file(STRINGS ${mutant_file} environment REGEX "^environment: *")
    string(REGEX REPLACE "^environment: *" "" environment "${environment}")
    separate_arguments(environment UNIX_COMMAND "${environment}")
    set(runner Python3::Interpreter)
    if(environment)
      set(runner ${CMAKE_COMMAND} -E env ${environment} ${Python3_EXECUTABLE})
    endif()
    add_test(NAME ${name}/mutant/${mutant}
             COMMAND ${runner} ${KATA_TOOLS_DIR}/expect_caught.py
                     --filter "${filter}" $<TARGET_FILE:${target}>)
    set_tests_properties(${name}/mutant/${mutant} PROPERTIES
      LABELS "mutants;${name};${variant}" TIMEOUT 300)
    # The same mutant under the sched variant, built on request only (docs/schedules.md).
    if(KATA_SCHED AND name IN_LIST KATA_SCHED_KATAS AND NOT variant STREQUAL "sched")
      _kata_test_binary(${target}_sched KATA_DIR ${kata_dir} VARIANT sched HEADER ${header}
                        NS solution WARNINGS kata_warnings SOURCES ${mutant_sources} ${header})
      _kata_only_tests(${target}_sched "${filter}")
      set_target_properties(${target}_sched PROPERTIES EXCLUDE_FROM_ALL TRUE)
    endif()
  endforeach()
endmacro()

macro(_kata_add_answers)
  # solutions/<name>/answers/*.h: whole learner answers, each declaring the verdict the grader must
  # give it (docs/answers.md). Each is built as the learner's header is (namespace kata, warnings
  # never errors), only in the variants its verdict needs (tools/answers.py reads the declarations:
  # a whole suite build per variant, and the corpus is 30-odd answers), and out of `all`;
  # answers_test.py grades it with the grader, which takes the expected tests from the reference's
  # plain binary above.
  file(GLOB answer_files CONFIGURE_DEPENDS ${solution_dir}/answers/*.h)
  if(answer_files)
    string(REPLACE ";" "," available "${variants}")
    execute_process(
      COMMAND ${Python3_EXECUTABLE} ${KATA_TOOLS_DIR}/answers.py variants --available ${available}
              ${answer_files}
      OUTPUT_VARIABLE answer_variants RESULT_VARIABLE failed ERROR_VARIABLE why)
    if(failed)
      message(FATAL_ERROR "kata ${name}: an answer's declaration: ${why}")
    endif()
    # A changed declaration may change the variants: configure again when an answer changes.
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${answer_files})
    string(STRIP "${answer_variants}" answer_variants)
    string(REPLACE "\n" ";" answer_variants "${answer_variants}")
  endif()
  foreach(answer_file IN LISTS answer_files)
    get_filename_component(answer ${answer_file} NAME_WE)
    list(POP_FRONT answer_variants these_variants)
    string(REPLACE "," ";" these_variants "${these_variants}")
    set(entry "{\"targets\": {}}")
    _kata_json_set(entry "${answer}" name)
    _kata_json_set(entry "${answer_file}" header)
    foreach(variant IN LISTS these_variants)
      set(target ${name}_answer_${answer}_${variant})
      _kata_test_binary(${target} KATA_DIR ${kata_dir} VARIANT ${variant} HEADER ${answer_file}
                        NS ${kata_ns} WARNINGS ${kata_warn} SOURCES ${sources})
      set_target_properties(${target} PROPERTIES EXCLUDE_FROM_ALL TRUE)
      add_dependencies(answers ${target})
      _kata_json_set(entry ${target} targets ${variant})
    endforeach()
    string(JSON count LENGTH "${manifest}" answers)
    string(JSON manifest SET "${manifest}" answers ${count} "${entry}")
    # RUN_SERIAL: the grader runs the build tool on this build tree, which two at once would share.
    add_test(NAME answers/${name}/${answer}
             COMMAND Python3::Interpreter ${KATA_TOOLS_DIR}/tests/answers_test.py
                     --build-dir ${CMAKE_BINARY_DIR} ${name}/${answer})
    set_tests_properties(answers/${name}/${answer} PROPERTIES
      LABELS "answers;${name}" TIMEOUT 1500 RUN_SERIAL TRUE)
  endforeach()
endmacro()

# kata_add(<name> [DIR <dir>] [SOLUTION_DIR <dir>] [LEARNER_HEADER <file>] [VARIANTS <v>...]
#          [BENCHMARK <source>] [REFERENCE_FROM <kata>])
# The options serve the grader's own tests, which grade small deliberately bad headers against a
# fixture kata; a real kata needs none of them. REFERENCE_FROM: the reference's test binaries are
# those another kata_add() of the same DIR and SOLUTION_DIR built (one per variant, not one per
# fixture: they were 40% of the fixtures' build).
function(kata_add name)
  cmake_parse_arguments(ARG "" "DIR;SOLUTION_DIR;LEARNER_HEADER;BENCHMARK;REFERENCE_FROM" "VARIANTS"
                        ${ARGN})
  set(kata_dir ${PROJECT_SOURCE_DIR}/katas/${name})
  set(solution_dir ${PROJECT_SOURCE_DIR}/solutions/${name})
  set(variants ${KATA_VARIANTS})
  if(ARG_DIR)
    set(kata_dir ${ARG_DIR})
  endif()
  if(ARG_SOLUTION_DIR)
    set(solution_dir ${ARG_SOLUTION_DIR})
  endif()
  if(ARG_VARIANTS)
    set(variants ${ARG_VARIANTS})
  endif()
  # sched (docs/schedules.md): with KATA_SCHED a variant like the others; else, with
  # KATA_SCHED_SELFTEST, the reference's binary and the sched mutants only, for ./kata selftest: the
  # learner's build, the manifest and so the grader do not see it.
  set(selftest_variants "")
  if(KATA_SCHED AND name IN_LIST KATA_SCHED_KATAS AND NOT ARG_VARIANTS)
    list(APPEND variants sched)
  elseif(KATA_SCHED_SELFTEST AND name IN_LIST KATA_SCHED_KATAS AND NOT ARG_VARIANTS)
    set(selftest_variants sched)
  endif()
  set(bench_source ${PROJECT_SOURCE_DIR}/benchmarks/${name}_benchmark.cc)
  if(ARG_BENCHMARK)
    set(bench_source ${ARG_BENCHMARK})
  endif()
  set(has_benchmark false)
  if(EXISTS ${bench_source})
    set(has_benchmark true)
  endif()
  file(GLOB sources CONFIGURE_DEPENDS ${kata_dir}/tests/*.cc)
  if(NOT sources)
    message(FATAL_ERROR "kata ${name}: no tests in ${kata_dir}/tests")
  endif()

  # who: header, namespace, warnings policy (the learner's code is warned about, never -Werror'd)
  get_filename_component(kata_basename ${kata_dir} NAME)
  set(kata_header ${kata_dir}/${kata_basename}.h)
  if(ARG_LEARNER_HEADER)
    set(kata_header ${ARG_LEARNER_HEADER})
  endif()
  set(kata_ns kata)
  set(kata_warn kata_warnings)
  set(reference_header ${solution_dir}/${kata_basename}.h)
  set(reference_ns solution)
  set(reference_warn kata_strict)

  # A learner's repository exported from this one (./kata export-template) has no solutions/: the
  # kata is then built against the learner's header alone, and the grader lists its tests from
  # the skeleton's binary and leaves performance to the class grader (docs/instructors.md).
  set(whos kata)
  set(has_reference false)
  if(EXISTS ${reference_header})
    list(APPEND whos reference)
    set(has_reference true)
  else()
    set(has_benchmark false)
  endif()

  set(kata_role learner)  # the word the manifest and the grader use for the learner's side
  set(reference_role reference)

  # The manifest, filled in as the targets are made. targets: role -> variant -> target (the
  # benchmarks: role -> target, or null), each binary at the top of the build tree.
  set(fixture false)
  if(ARG_LEARNER_HEADER)
    set(fixture true)
  endif()
  set(manifest "{}")
  _kata_json_set(manifest "${name}" name)
  _kata_json_set(manifest "${kata_dir}" dir)
  _kata_json_set(manifest "${kata_header}" learner_header)
  _kata_json_set(manifest "${reference_header}" reference_header)
  string(JSON manifest SET "${manifest}" variants "[]")
  foreach(variant IN LISTS variants)
    string(JSON count LENGTH "${manifest}" variants)
    _kata_json_set(manifest "${variant}" variants ${count})
  endforeach()
  # tests: variant -> the gtest filter of the tests it runs, for a variant that runs only some.
  string(JSON manifest SET "${manifest}" tests "{}")
  if("sched" IN_LIST variants)
    _kata_json_set(manifest "${KATA_SCHED_TESTS}" tests sched)
  endif()
  string(JSON manifest SET "${manifest}" fixture ${fixture})
  string(JSON manifest SET "${manifest}" benchmark ${has_benchmark})
  string(JSON manifest SET "${manifest}" reference ${has_reference})
  string(JSON manifest SET "${manifest}" targets "{\"learner\": {}, \"reference\": {}, \
\"skeleton\": {}, \"mutant\": {}, \"benchmark\": null, \"self-check\": null}")
  string(JSON manifest SET "${manifest}" answers "[]")

  _kata_add_suites()
  _kata_add_benchmark()

  if(ARG_LEARNER_HEADER)
    _kata_write_manifest()
    return()  # a grader fixture: no skeleton to check, no mutants, no answers
  endif()

  _kata_add_skeleton()
  _kata_add_mutants()
  _kata_add_answers()
  _kata_write_manifest()
endfunction()
