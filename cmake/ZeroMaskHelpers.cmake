# Helpers shared by every CMakeLists of the project.

# Warnings for the project's own code only; third-party headers come in as SYSTEM includes.
function(zm_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
endfunction()

# zm_allocator(TARGET): link an executable against jemalloc when the build found it (ZM_JEMALLOC_LIBRARY,
# top-level CMakeLists.txt). glibc's malloc hands the large tensor buffers of every training step back to
# the system and faults them in again the next step; jemalloc, with the options of cmake/jemalloc-conf.cpp,
# keeps them for reuse (docs/ENGINE.md, "Memory allocator"). --no-as-needed: the executable calls no jemalloc symbol by name, yet must load it.
function(zm_allocator target)
  if(ZM_JEMALLOC_LIBRARY)
    target_link_libraries(${target} PRIVATE "-Wl,--push-state,--no-as-needed" ${ZM_JEMALLOC_LIBRARY} "-Wl,--pop-state")
    target_sources(${target} PRIVATE ${PROJECT_SOURCE_DIR}/cmake/jemalloc-conf.cpp)
    target_compile_definitions(${target} PRIVATE ZM_WITH_JEMALLOC=1)
  endif()
endfunction()

# zm_core_module(NAME [PUBLIC_DEPS ...] [PRIVATE_DEPS ...] [SYSTEM_INCLUDES ...])
# One static library per folder of core/: zm_<name>, sources globbed from the folder
# (add a file, re-run cmake or let CONFIGURE_DEPENDS do it).
function(zm_core_module name)
  cmake_parse_arguments(ARG "" "" "PUBLIC_DEPS;PRIVATE_DEPS;SYSTEM_INCLUDES" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${name}/*.cpp)
  if(NOT srcs)
    # A folder that holds no code yet: an interface target keeps the dependency graph intact.
    add_library(zm_${name} INTERFACE)
    target_include_directories(zm_${name} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(zm_${name} INTERFACE ${ARG_PUBLIC_DEPS})
    return()
  endif()
  file(GLOB_RECURSE hdrs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${name}/*.h)
  add_library(zm_${name} STATIC ${srcs} ${hdrs})
  target_include_directories(zm_${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(zm_${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  if(ARG_SYSTEM_INCLUDES)
    target_include_directories(zm_${name} SYSTEM PRIVATE ${ARG_SYSTEM_INCLUDES})
  endif()
  zm_warnings(zm_${name})
endfunction()
