# Every third-party dependency, found once. All come from Debian 12 packages.
find_package(Torch REQUIRED)
# Torch's config appends its flags globally; keep them, they carry the C++ ABI define.
find_package(nlohmann_json 3 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(Threads REQUIRED)

if(ZM_WITH_OPENCV)
  find_package(OpenCV REQUIRED COMPONENTS core imgproc imgcodecs)
  find_package(PNG REQUIRED)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(FASTTEXT REQUIRED IMPORTED_TARGET fasttext)
  if(NOT FASTTEXT_VERSION)
    # Debian's fasttext.pc carries no version; ask dpkg, else fall back to the known one.
    execute_process(COMMAND dpkg-query -W -f=\${Version} libfasttext-dev
                    OUTPUT_VARIABLE FASTTEXT_VERSION ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
    string(REGEX REPLACE "[+~-].*$" "" FASTTEXT_VERSION "${FASTTEXT_VERSION}")
    if(NOT FASTTEXT_VERSION)
      set(FASTTEXT_VERSION "0.9.2")
    endif()
  endif()
  find_package(CLI11 REQUIRED)
  if(ZM_WITH_GUI)
    find_package(Qt6 REQUIRED COMPONENTS Core Gui Widgets Charts Concurrent Test)
  endif()
endif()

if(ZM_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(ZM_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
