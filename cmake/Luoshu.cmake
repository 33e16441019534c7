# Build helpers shared by every folder: one way to verilate a top, one way to gate it
# (lint + synthesis), one way to add a C++ target or a GoogleTest binary.
include(GNUInstallDirs)

set(LUOSHU_RTL_DIR ${PROJECT_SOURCE_DIR}/rtl)
set(LUOSHU_WAIVERS ${LUOSHU_RTL_DIR}/lint_waivers.vlt)

# Our own C++ is warning-clean under -Wall -Wextra (Verilator's generated code is not ours,
# so these flags are applied per target, never globally). Headers are included rooted at the
# repo top, in the tree and installed (<prefix>/include/luoshu, cmake/LuoshuInstall.cmake).
function(luoshu_cxx_target target)
  # unused-result as an error: a discarded tb::HookHandle would silently remove its hook.
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror=unused-result)
  target_compile_features(${target} PUBLIC cxx_std_17)
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/luoshu>)
endfunction()

# The Verilator runtime (verilated.cpp, FST writer, ...) is compiled once and shared by every
# model (CMake's verilate() would compile it again into each model library). Installed, its
# headers are copied to <prefix>/include/luoshu/verilator: the package then needs no Verilator
# and always matches the runtime compiled into this library.
set(_vl_inc ${VERILATOR_ROOT}/include)
set(_vl_rt_sources ${_vl_inc}/verilated.cpp ${_vl_inc}/verilated_threads.cpp
  ${_vl_inc}/verilated_save.cpp)
if(LUOSHU_TRACE)
  list(APPEND _vl_rt_sources ${_vl_inc}/verilated_fst_c.cpp)
  set(_vl_trace 1)
else()
  set(_vl_trace 0)
endif()
# Coverage: the runtime's coverage store, and Verilator --coverage (line, toggle and COVER
# points) plus the define that turns the COVER macro on (rtl/common/luoshu_assert.svh) for
# every model; the coverage build lints the cover points too.
set(_vl_cov_define "")
set(_vl_cov 0)
if(LUOSHU_COVERAGE)
  list(APPEND _vl_rt_sources ${_vl_inc}/verilated_cov.cpp)
  set(_vl_cov_define +define+LUOSHU_COVERAGE)
  set(_vl_cov 1)
endif()
# The models' eval code: -O2, or -O1 in the coverage build, whose models are larger (coverage
# counters) and whose build time matters more than its simulation speed.
set(_vl_fast_opt -O2)
if(LUOSHU_COVERAGE)
  set(_vl_fast_opt -O1)
endif()
add_library(luoshu_verilated_rt STATIC ${_vl_rt_sources})
target_include_directories(luoshu_verilated_rt SYSTEM PUBLIC
  $<BUILD_INTERFACE:${_vl_inc}> $<BUILD_INTERFACE:${_vl_inc}/vltstd>)
# (An imported target's include folders are system folders to its users anyway.)
target_include_directories(luoshu_verilated_rt PUBLIC
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/luoshu/verilator>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/luoshu/verilator/vltstd>)
target_compile_definitions(luoshu_verilated_rt PUBLIC
  VM_COVERAGE=${_vl_cov} VM_SC=0 VM_TRACE=${_vl_trace} VM_TRACE_VCD=0 VM_TRACE_FST=${_vl_trace})
find_package(Threads REQUIRED)
target_link_libraries(luoshu_verilated_rt PUBLIC Threads::Threads)
if(LUOSHU_TRACE)
  find_package(ZLIB REQUIRED)  # the FST writer
  target_link_libraries(luoshu_verilated_rt PUBLIC ZLIB::ZLIB)
endif()
set_target_properties(luoshu_verilated_rt PROPERTIES POSITION_INDEPENDENT_CODE ON)

# Turn "A=1;B=2" into -GA=1 -GB=2 (Verilator) and --param A=1 --param B=2 (scripts/synth.sh).
function(_luoshu_params out_vl out_ys)
  set(vl "")
  set(ys "")
  foreach(p IN LISTS ARGN)
    string(REPLACE "=" ";" kv "${p}")
    list(GET kv 0 k)
    list(GET kv 1 v)
    list(APPEND vl "-G${k}=${v}")
    list(APPEND ys --param "${k}=${v}")
  endforeach()
  set(${out_vl} "${vl}" PARENT_SCOPE)
  set(${out_ys} "${ys}" PARENT_SCOPE)
endfunction()

# Verilator 5.006 cuts a file name at its first space when it writes `line directives: with a
# space in the checkout's path, lint warns about a file that does not exist and the models name
# it in their messages. So Verilator is run in a folder of the source tree and given paths
# relative to it (paths inside the tree have no spaces). _luoshu_relative(out base paths...)
function(_luoshu_relative out base)
  set(rel "")
  foreach(p IN LISTS ARGN)
    file(RELATIVE_PATH r "${base}" "${p}")
    list(APPEND rel "${r}")
  endforeach()
  set(${out} "${rel}" PARENT_SCOPE)
endfunction()

# luoshu_verilated_library(NAME lib TOP module SOURCES f.sv... [PARAMS A=1 B=2] [BENCH_ONLY]
#                          [FAST_CHUNKS n] [SAVABLE] [TOGGLE_COVERAGE])
# Builds the Verilated model once, as a static library every test/tool links.
# The generated class is V<NAME> (e.g. Vcube_d16).
# BENCH_ONLY: not part of the default build (only benchmarks use it; built on demand).
# SAVABLE: Verilator --savable (the model's state can be saved and restored: checkpoints), and
# a function `const char* luoshu_model_id_<NAME>()` returning the SHA-256 of the generated
# model sources, so a checkpoint can tell whether it was made by this very model.
# TOGGLE_COVERAGE: the coverage build (LUOSHU_COVERAGE) counts this model's toggles too; the
# others get line and COVER points only. Toggle points cost one per bit per instance: a 16x16
# cube has 72,000 (a 35x larger model), the default SoC's C++ would be 0.8 GB. So the small
# unit models count toggles, and the same RTL in the big ones is not counted again.
function(luoshu_verilated_library)
  cmake_parse_arguments(A "BENCH_ONLY;SAVABLE;TOGGLE_COVERAGE" "NAME;TOP;FAST_CHUNKS"
                        "SOURCES;PARAMS" ${ARGN})
  if(NOT A_FAST_CHUNKS)
    set(A_FAST_CHUNKS 1)
  endif()
  _luoshu_params(vl_params ys_params ${A_PARAMS})
  add_library(${A_NAME} STATIC)
  if(A_BENCH_ONLY)
    set_target_properties(${A_NAME} PROPERTIES EXCLUDE_FROM_ALL ON)
  endif()
  set(trace_arg "")
  set(savable_arg "")
  if(A_SAVABLE)
    set(savable_arg --savable)
  endif()
  if(LUOSHU_TRACE)
    set(trace_arg --trace-fst)
    target_compile_definitions(${A_NAME} PUBLIC LUOSHU_TRACE_COMPILED=1)
  endif()
  set(cov_arg "")
  set(cov_args "")
  if(LUOSHU_COVERAGE)
    set(cov_arg --coverage)
    if(NOT A_TOGGLE_COVERAGE)
      set(cov_args --no-coverage-toggle)
    endif()
  endif()
  # Verilator runs at build time only, in this CMakeLists.txt's folder (see _luoshu_relative),
  # in parallel with the compiles. CMake's verilate() runs it at configure time too, one model
  # after the other on one core, to learn the generated file names (about 20 CPU seconds of a
  # clean build). The names are not needed here: LuoshuUnity.cmake includes the generated files
  # into the unity translation units below, which have fixed names.
  _luoshu_relative(vl_sources ${CMAKE_CURRENT_SOURCE_DIR} ${LUOSHU_WAIVERS} ${A_SOURCES})
  _luoshu_relative(vl_include ${CMAKE_CURRENT_SOURCE_DIR} ${LUOSHU_RTL_DIR}/common)
  set(vl_library "")
  if(vl_include)  # (rtl/common's own models need no -y to find its modules)
    set(vl_library -y ${vl_include})
  endif()
  set(vdir ${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${A_NAME}.dir/V${A_NAME}.dir)
  file(MAKE_DIRECTORY ${vdir})
  # --assert: valid/ready stability and other SVA run in every simulation.
  # --output-split-cfuncs: Verilator emits functions of over ten thousand statements, and
  # GCC's -O2 time grows faster than a function's size. Split at 4000 statements, the SoCs'
  # eval code compiles in a little over half the CPU time (all models' in 70%) and simulates as
  # fast; at 1000 it compiles a little faster still but the AI core simulates 7% slower.
  set(vl_cmd ${VERILATOR_BIN} --compiler gcc --prefix V${A_NAME} --Mdir ${vdir} --make cmake
    --top ${A_TOP} ${cov_arg} ${trace_arg} --cc ${vl_library}
    --assert ${savable_arg} -Wno-fatal -Wno-lint -Wno-style ${vl_params} -O3
    --output-split-cfuncs 4000 ${_vl_cov_define} ${cov_args} ${vl_sources})
  # Unity build (Verilator's own makefiles do the same with V<prefix>__ALL.cpp): the generated
  # files are compiled as two translation units instead of ten to twenty, which saves the
  # per-file cost of parsing verilated.h (about half a second each, a third of the tree's build
  # time). The fast group (eval code) is optimized; the slow group (construction, and trace
  # dump code that runs only while a wave is written) is compiled at -O0.
  # FAST_CHUNKS n splits the fast group into n translation units (round robin), so a very
  # large model (the 4-core SoC) compiles on several cores instead of being the build's tail.
  set(unity_dir ${CMAKE_CURRENT_BINARY_DIR}/${A_NAME}_unity)
  math(EXPR last_chunk "${A_FAST_CHUNKS} - 1")
  set(unity_srcs "")
  foreach(chunk RANGE ${last_chunk})
    list(APPEND unity_srcs ${unity_dir}/fast${chunk}.cpp)
    set_source_files_properties(${unity_dir}/fast${chunk}.cpp PROPERTIES
      COMPILE_OPTIONS "${_vl_fast_opt}")
  endforeach()
  list(APPEND unity_srcs ${unity_dir}/slow.cpp)
  set_source_files_properties(${unity_dir}/slow.cpp PROPERTIES COMPILE_OPTIONS "-O0")
  # SAVABLE: the model's identity, hashed from the generated sources whenever Verilator runs.
  if(A_SAVABLE)
    list(APPEND unity_srcs ${unity_dir}/model_id.cc)
  endif()
  # Ninja learns the RTL files a model is made of (includes, -y library modules) from the
  # depfile LuoshuUnity.cmake writes from Verilator's; without depfile support (CMake < 3.20)
  # a model depends on its sources and every file of rtl/common.
  set(vl_deps ${VERILATOR_BIN} ${LUOSHU_WAIVERS} ${A_SOURCES}
    ${PROJECT_SOURCE_DIR}/cmake/LuoshuUnity.cmake ${PROJECT_SOURCE_DIR}/cmake/LuoshuModelId.cmake)
  set(depfile_arg "")
  if(POLICY CMP0116)
    set(depfile_arg DEPFILE ${unity_dir}/verilate.d)
  else()
    file(GLOB common_rtl ${LUOSHU_RTL_DIR}/common/*.sv ${LUOSHU_RTL_DIR}/common/*.svh)
    list(APPEND vl_deps ${common_rtl})
  endif()
  add_custom_command(OUTPUT ${unity_srcs}
    BYPRODUCTS ${vdir}/V${A_NAME}.h ${vdir}/V${A_NAME}__Syms.h ${vdir}/V${A_NAME}.cmake
    COMMAND ${vl_cmd}
    COMMAND ${CMAKE_COMMAND} -DNAME=${A_NAME} -DVDIR=${vdir} -DUNITY=${unity_dir}
            -DCHUNKS=${A_FAST_CHUNKS} -DSAVABLE=${A_SAVABLE} -DSRC=${CMAKE_CURRENT_SOURCE_DIR}
            -P ${PROJECT_SOURCE_DIR}/cmake/LuoshuUnity.cmake
    DEPENDS ${vl_deps} ${depfile_arg}
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
    COMMENT "Verilating ${A_NAME}" VERBATIM)
  target_sources(${A_NAME} PRIVATE ${unity_srcs})
  target_link_libraries(${A_NAME} PUBLIC luoshu_verilated_rt)
  # Users of the model see its generated headers (V<NAME>.h, installed to
  # <prefix>/include/luoshu/models) and Verilator's (luoshu_verilated_rt, as system headers).
  set(inc ${vdir})
  set_target_properties(${A_NAME} PROPERTIES LUOSHU_VERILATED_DIR "${inc}"
    INTERFACE_INCLUDE_DIRECTORIES
    "$<BUILD_INTERFACE:${inc}>;$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/luoshu/models>")
  _luoshu_params_header(${A_NAME} "${vdir}" ${A_PARAMS})
endfunction()

# V<NAME>_params.h beside V<NAME>.h: the parameters the model was Verilated with, as
# VerilatedParams<V<NAME>> (and the struct V<NAME>_params), one constant per parameter
# (decimal values; a Verilog literal such as 12'o0022 is listed as a comment), so tests and
# tools read them instead of restating them. RTL defaults that are not passed do not appear:
# pass a parameter to read it.
function(_luoshu_params_header name dir)
  set(body "")
  foreach(p IN LISTS ARGN)
    string(REPLACE "=" ";" kv "${p}")
    list(GET kv 0 k)
    list(GET kv 1 v)
    if(v MATCHES "^-?[0-9]+$")
      string(APPEND body "  static constexpr long long ${k} = ${v};\n")
    else()
      string(APPEND body "  // ${k} = ${v} (a Verilog literal)\n")
    endif()
  endforeach()
  file(CONFIGURE OUTPUT ${dir}/V${name}_params.h CONTENT
"// GENERATED by luoshu_verilated_library (cmake/Luoshu.cmake): the parameters V${name}
// was Verilated with.
#pragma once

#ifndef LUOSHU_VERILATED_PARAMS_DECLARED
#define LUOSHU_VERILATED_PARAMS_DECLARED
// VerilatedParams<Model>: the parameters of a Verilated model (one specialization per model).
template <class Model>
struct VerilatedParams;
#endif

class V${name};
struct V${name}_params {
${body}};
template <>
struct VerilatedParams<V${name}> : V${name}_params {};
")
endfunction()

# luoshu_rtl_gates(NAME id TOP module SOURCES f.sv... [PARAMS A=1 B=2] [SYNTH_LABELS long])
# Adds two CTest gates: lint.<id> (verilator --lint-only -Wall, waivers only from the one
# waiver file; as simulated and as synthesized, scripts/lint.sh) and synth.<id> (Yosys synthesis, fails on any error or unresolved module).
# SYNTH_LABELS adds labels to the synthesis gate (e.g. "long" for a big configuration that
# takes minutes and so runs only on request: scripts/test.sh -L long).
function(luoshu_rtl_gates)
  cmake_parse_arguments(A "" "NAME;TOP" "SOURCES;PARAMS;SYNTH_LABELS" ${ARGN})
  _luoshu_params(vl_params ys_params ${A_PARAMS})
  _luoshu_relative(sources ${PROJECT_SOURCE_DIR} ${LUOSHU_WAIVERS} ${A_SOURCES})
  add_test(NAME lint.${A_NAME}
    COMMAND ${PROJECT_SOURCE_DIR}/scripts/lint.sh ${VERILATOR_EXECUTABLE} ${_vl_cov_define} -Irtl/common
            --top-module ${A_TOP} ${vl_params} ${sources}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(lint.${A_NAME} PROPERTIES LABELS "gate;lint")
  add_test(NAME synth.${A_NAME}
    COMMAND ${PROJECT_SOURCE_DIR}/scripts/synth.sh --top ${A_TOP} ${ys_params}
            --log ${CMAKE_BINARY_DIR}/synth/${A_NAME}.log ${A_SOURCES})
  set_tests_properties(synth.${A_NAME} PROPERTIES LABELS "gate;synth;${A_SYNTH_LABELS}")
endfunction()

# GoogleTest and the standard headers every test includes, precompiled once for all the test
# binaries (parsing them was about a second of each test's compile). Macros that differ between
# tests (a model's LUOSHU_TRACE_COMPILED, VM_*) do not appear in these headers, so one header
# serves them all.
file(CONFIGURE OUTPUT ${CMAKE_BINARY_DIR}/luoshu_gtest_pch/pch.cc CONTENT "// precompiled header only\n")
add_library(luoshu_gtest_pch OBJECT ${CMAKE_BINARY_DIR}/luoshu_gtest_pch/pch.cc)
luoshu_cxx_target(luoshu_gtest_pch)
target_compile_options(luoshu_gtest_pch PRIVATE -O1)
target_link_libraries(luoshu_gtest_pch PRIVATE GTest::gtest)
target_precompile_headers(luoshu_gtest_pch PRIVATE <gtest/gtest.h> <algorithm> <array>
  <cstdint> <functional> <map> <memory> <string> <vector>)

# luoshu_gtest(NAME test SOURCES a.cc... LIBS vl_x ... [LABELS l...] [PROPERTIES key value ...])
# LABELS: one or more (default unit); an opt-in label goes with "long" (LABELS "system;long;random").
# PROPERTIES: more CTest properties for every test of the binary (ENVIRONMENT, FIXTURES_*).
function(luoshu_gtest)
  cmake_parse_arguments(A "" "NAME" "SOURCES;LIBS;LABELS;PROPERTIES" ${ARGN})
  add_executable(${A_NAME} ${A_SOURCES})
  luoshu_cxx_target(${A_NAME})
  # Test bodies at -O1: GoogleTest's assertion macros make large functions, which -O3 compiles
  # in almost twice the time (a third of a clean build is test code); the simulation they drive
  # runs in the models and the harness libraries, which keep their optimization.
  target_compile_options(${A_NAME} PRIVATE -O1)
  target_precompile_headers(${A_NAME} REUSE_FROM luoshu_gtest_pch)
  target_link_libraries(${A_NAME} PRIVATE ${A_LIBS} luoshu_tb luoshu_gtest_main)
  if(NOT A_LABELS)
    set(A_LABELS unit)
  endif()
  list(GET A_LABELS 0 first_label)
  gtest_discover_tests(${A_NAME} DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS ${first_label} TIMEOUT 600 ${A_PROPERTIES})
  # A list does not survive gtest_discover_tests' PROPERTIES (its layers of list expansion
  # turn LABELS "system;long" into the pair LABELS system plus a stray "long"), so several
  # labels are set by a file CTest includes after the discovered tests (<target>_TESTS).
  list(LENGTH A_LABELS label_count)
  if(label_count GREATER 1)
    set(labels_file ${CMAKE_CURRENT_BINARY_DIR}/${A_NAME}_labels.cmake)
    file(WRITE ${labels_file} "if(${A_NAME}_TESTS)\n  set_tests_properties(\${${A_NAME}_TESTS} "
                              "PROPERTIES LABELS \"${A_LABELS}\")\nendif()\n")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${labels_file})
  endif()
endfunction()

# luoshu_rejects_params(NAME id TOP module SOURCES f.sv... PARAMS A=0 EXPECT "regex")
# Proves an illegal parameter is refused at elaboration with a message (by Verilator and Yosys).
# scripts/expect-fail.sh passes only if the tool exits non-zero AND its output matches EXPECT
# (an extended regex), so a tool that prints the message but still accepts the design fails.
function(luoshu_rejects_params)
  cmake_parse_arguments(A "" "NAME;TOP;EXPECT" "SOURCES;PARAMS" ${ARGN})
  _luoshu_params(vl_params ys_params ${A_PARAMS})
  _luoshu_relative(sources ${PROJECT_SOURCE_DIR} ${A_SOURCES})
  set(expect_fail ${PROJECT_SOURCE_DIR}/scripts/expect-fail.sh "${A_EXPECT}")
  add_test(NAME reject.${A_NAME}.verilator
    COMMAND ${expect_fail} ${VERILATOR_EXECUTABLE} --lint-only -Irtl/common
            --top-module ${A_TOP} ${vl_params} ${sources}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  add_test(NAME reject.${A_NAME}.yosys
    COMMAND ${expect_fail} ${PROJECT_SOURCE_DIR}/scripts/synth.sh --top ${A_TOP} ${ys_params}
            --log ${CMAKE_BINARY_DIR}/synth/reject_${A_NAME}.log ${A_SOURCES})
  set_tests_properties(reject.${A_NAME}.verilator reject.${A_NAME}.yosys PROPERTIES
    LABELS "gate;params")
endfunction()

# luoshu_formal(BLOCK name EXPECT_BROKEN "regex" [LABELS l])
# Adds two CTest cases: formal.<name> (scripts/formal.sh proves tests/formal/<name>_formal.sv's
# properties of the block by induction) and formal.<name>_broken (the same proof on a copy of
# the block mutated by tests/formal/<name>_broken.sed must fail; scripts/expect-fail.sh checks
# the exit status AND that the output matches EXPECT_BROKEN, so a Yosys error, an unapplied
# mutation or an induction that merely did not close does not count as the bug being found).
function(luoshu_formal)
  cmake_parse_arguments(A "" "BLOCK;EXPECT_BROKEN" "LABELS" ${ARGN})
  set(formal ${PROJECT_SOURCE_DIR}/scripts/formal.sh ${A_BLOCK} --out ${CMAKE_BINARY_DIR}/formal)
  add_test(NAME formal.${A_BLOCK} COMMAND ${formal})
  add_test(NAME formal.${A_BLOCK}_broken
    COMMAND ${PROJECT_SOURCE_DIR}/scripts/expect-fail.sh "${A_EXPECT_BROKEN}" ${formal} --broken)
  set_tests_properties(formal.${A_BLOCK} formal.${A_BLOCK}_broken PROPERTIES
    LABELS "formal;${A_LABELS}" TIMEOUT 600)
endfunction()
