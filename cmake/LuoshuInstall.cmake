# The installed package (docs/runtime.md, "Using Luoshu from your own program"):
#   cmake --install build --prefix <dir>
# puts the headers under <dir>/include/luoshu (included rooted at the repo top, as in the
# tree: "sw/runtime/device.h"), the static libraries under <dir>/lib, the luoshu tool under
# <dir>/bin and the CMake package under <dir>/lib/cmake/Luoshu. A program then needs only
#   find_package(Luoshu REQUIRED)
#   target_link_libraries(app PRIVATE Luoshu::luoshu)
# The exported names (Luoshu::<name>) are aliases in the tree too, so in-tree programs link the
# same names (sw/examples).
include(CMakePackageConfigHelpers)

# The umbrella: everything a program that opens either backend by name needs.
add_library(luoshu_lib INTERFACE)
target_link_libraries(luoshu_lib INTERFACE luoshu_ops luoshu_runtime luoshu_model_backend
  luoshu_soc_tb luoshu_common)

# target=exported name, top to bottom. The RTL backend brings the Verilated SoCs, the harness
# and the Verilator runtime it is built on.
set(_luoshu_exports
  luoshu_lib=luoshu luoshu_ops=ops luoshu_runtime=runtime luoshu_driver=driver luoshu_hal=hal
  luoshu_isa=isa luoshu_common=common luoshu_model=model luoshu_model_backend=model_backend
  luoshu_soc_tb=rtl_backend luoshu_tb=tb luoshu_verilated_rt=verilated_rt)
foreach(cfg IN LISTS LUOSHU_SOC_CONFIGS)
  list(APPEND _luoshu_exports soc_${cfg}=soc_${cfg})
endforeach()
set(_luoshu_targets "")
foreach(pair IN LISTS _luoshu_exports)
  string(REPLACE "=" ";" kv ${pair})
  list(GET kv 0 target)
  list(GET kv 1 name)
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name})
  add_library(Luoshu::${name} ALIAS ${target})
  list(APPEND _luoshu_targets ${target})
endforeach()

set(_luoshu_inc ${CMAKE_INSTALL_INCLUDEDIR}/luoshu)
set(_luoshu_cmake ${CMAKE_INSTALL_LIBDIR}/cmake/Luoshu)
install(TARGETS ${_luoshu_targets} EXPORT LuoshuTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS luoshu RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Headers: the host stack and the harness (not the tool's, the benchmarks' or the examples'),
# the generated SoC models (V<name>.h) and Verilator's own (see luoshu_verilated_rt).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/sw ${PROJECT_SOURCE_DIR}/tb DESTINATION ${_luoshu_inc}
  FILES_MATCHING PATTERN "*.h"
  PATTERN cli EXCLUDE PATTERN examples EXCLUDE PATTERN bench EXCLUDE PATTERN gtkw EXCLUDE)
foreach(cfg IN LISTS LUOSHU_SOC_CONFIGS)
  get_target_property(dir soc_${cfg} LUOSHU_VERILATED_DIR)
  install(DIRECTORY ${dir}/ DESTINATION ${_luoshu_inc}/models FILES_MATCHING PATTERN "*.h")
endforeach()
install(DIRECTORY ${_vl_inc}/ DESTINATION ${_luoshu_inc}/verilator FILES_MATCHING PATTERN "*.h")

# The package: LuoshuConfig.cmake (finds the dependencies, loads the targets) and its version.
install(EXPORT LuoshuTargets NAMESPACE Luoshu:: DESTINATION ${_luoshu_cmake})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/LuoshuConfig.cmake.in
  ${CMAKE_BINARY_DIR}/LuoshuConfig.cmake INSTALL_DESTINATION ${_luoshu_cmake})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/LuoshuConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/LuoshuConfig.cmake ${CMAKE_BINARY_DIR}/LuoshuConfigVersion.cmake
  DESTINATION ${_luoshu_cmake})
