# Installation: the CLI, the shared library and its headers, and the two ways a C or
# C++ build finds them: pkg-config (topolearn.pc) and a CMake package
# (find_package(topolearn) -> topolearn::topolearn). Both are relocatable, so the
# installed tree works from wherever it is copied (tests/cli/install.sh builds the
# examples both ways against a DESTDIR-staged copy).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set_target_properties(libtopolearn PROPERTIES EXPORT_NAME topolearn)
# The installed CLI finds the library beside it (PREFIX/bin -> PREFIX/lib) wherever the
# tree is, without LD_LIBRARY_PATH or ldconfig.
file(RELATIVE_PATH TL_BIN_TO_LIB /base/${CMAKE_INSTALL_BINDIR} /base/${CMAKE_INSTALL_LIBDIR})
set_target_properties(topolearn PROPERTIES INSTALL_RPATH "$ORIGIN/${TL_BIN_TO_LIB}")
install(TARGETS topolearn)
install(TARGETS libtopolearn EXPORT topolearnTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# pkg-config: the prefix relative to the .pc file's directory (lib/pkgconfig -> ../..;
# any absolute base gives it, only the depth of the relative LIBDIR counts).
set(TL_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
file(RELATIVE_PATH TL_PC_UP /base/${TL_PC_DIR} /base)
string(REGEX REPLACE "/$" "" TL_PC_UP "${TL_PC_UP}")
configure_file(cmake/topolearn.pc.in ${CMAKE_BINARY_DIR}/topolearn.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/topolearn.pc DESTINATION ${TL_PC_DIR})

# CMake package: targets, config and version (0.x: only the same minor version is
# compatible, as the API may still change between minor versions).
set(TL_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/topolearn)
install(EXPORT topolearnTargets NAMESPACE topolearn:: DESTINATION ${TL_CMAKE_DIR})
configure_package_config_file(cmake/topolearnConfig.cmake.in
  ${CMAKE_BINARY_DIR}/topolearnConfig.cmake INSTALL_DESTINATION ${TL_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/topolearnConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/topolearnConfig.cmake
              ${CMAKE_BINARY_DIR}/topolearnConfigVersion.cmake DESTINATION ${TL_CMAKE_DIR})
