# cmake -DNAME=model -DVDIR=dir -DUNITY=dir -DCHUNKS=n -DSAVABLE=0|1 -DSRC=dir -P LuoshuUnity.cmake
# Run by luoshu_verilated_library right after Verilator, at build time: reads the file list
# Verilator wrote (VDIR/V<NAME>.cmake) and writes the unity translation units UNITY/fast<i>.cpp
# (eval code, round robin over CHUNKS files) and UNITY/slow.cpp (construction, serialization,
# trace dump), UNITY/verilate.d (what the model was made from: Verilator's dependency list,
# for Ninja), and with SAVABLE the model's identity UNITY/model_id.cc (LuoshuModelId.cmake).
# SRC is the folder Verilator ran in (the paths it writes are relative to it).

# V<NAME>.cmake sets cache variables; read its lists instead of including it.
file(READ ${VDIR}/V${NAME}.cmake vcmake)
set(all "")
foreach(group CLASSES_FAST CLASSES_SLOW SUPPORT_FAST SUPPORT_SLOW)
  if(vcmake MATCHES "set\\(V${NAME}_${group} ([^)]*)\\)")
    string(REGEX MATCHALL "\"[^\"]+\\.cpp\"" files "${CMAKE_MATCH_1}")
    string(REPLACE "\"" "" files "${files}")
    list(APPEND all ${files})
  endif()
endforeach()
if(NOT all)
  message(FATAL_ERROR "${VDIR}/V${NAME}.cmake lists no generated sources: Verilator's output "
                      "changed format; check cmake/LuoshuUnity.cmake against it")
endif()

set(slow_inc "")
set(slow_srcs "")
set(fast_i 0)
foreach(src IN LISTS all)
  if(src MATCHES "(__Slow|__Trace__[0-9]+)\\.cpp$")
    string(APPEND slow_inc "#include \"${src}\"\n")
    list(APPEND slow_srcs "${src}")
  else()
    math(EXPR chunk "${fast_i} % ${CHUNKS}")
    math(EXPR fast_i "${fast_i} + 1")
    string(APPEND fast_inc_${chunk} "#include \"${src}\"\n")
    list(APPEND fast_srcs_${chunk} "${src}")
  endif()
endforeach()
math(EXPR last_chunk "${CHUNKS} - 1")
set(id_inputs ${slow_srcs})
foreach(chunk RANGE ${last_chunk})
  file(WRITE ${UNITY}/fast${chunk}.cpp "${fast_inc_${chunk}}")
  list(APPEND id_inputs ${fast_srcs_${chunk}})
endforeach()
file(WRITE ${UNITY}/slow.cpp "${slow_inc}")

# Verilator's V<NAME>__ver.d is one rule "outputs: inputs" with paths relative to SRC; Ninja
# wants the first output of the build edge as the target and the inputs as absolute paths.
file(READ ${VDIR}/V${NAME}__ver.d verd)
string(REGEX REPLACE "^[^:]*:" "" verd "${verd}")
string(REGEX MATCHALL "[^ \t\r\n\\\\]+" deps "${verd}")
# A space in a path (a checkout under "/tmp/my work") is escaped, or Ninja would read two
# files that do not exist and re-verilate every model on every build.
string(REPLACE " " "\\ " depfile "${UNITY}/fast0.cpp:")
foreach(d IN LISTS deps)
  get_filename_component(d "${d}" ABSOLUTE BASE_DIR "${SRC}")
  string(REPLACE " " "\\ " d "${d}")
  string(APPEND depfile " ${d}")
endforeach()
file(WRITE ${UNITY}/verilate.d "${depfile}\n")

if(SAVABLE)
  list(JOIN id_inputs "\n" id_text)
  file(WRITE ${UNITY}/model_id_inputs.txt "${id_text}\n")
  set(LIST ${UNITY}/model_id_inputs.txt)
  set(OUT ${UNITY}/model_id.cc)
  include(${CMAKE_CURRENT_LIST_DIR}/LuoshuModelId.cmake)
endif()
