# Install-time script (install(SCRIPT), packaging/packaging.cmake): the files whose place or
# presence depends on the package format, read from $ENV{SIDECAR_PACKAGE_FORMAT}, which
# packaging/cpack_generator_config.cmake sets for each cpack generator:
#   deb          units in /lib/systemd/system (Debian 12), the Debian copyright file and the
#                lintian overrides
#   rpm, tgz     units in /usr/lib/systemd/system, LICENSE in the doc directory
#   unset        (a plain `cmake --install`): as rpm
# Needs SIDECAR_SOURCE_DIR and SIDECAR_DOC_DIR (absolute), set by install(CODE) before it.
# file(INSTALL) adds $DESTDIR to absolute destinations and records what it installs.
set(_sidecar_format "$ENV{SIDECAR_PACKAGE_FORMAT}")
if(_sidecar_format STREQUAL "deb")
  set(_sidecar_unit_dir /lib/systemd/system)
else()
  set(_sidecar_unit_dir /usr/lib/systemd/system)
endif()
file(INSTALL DESTINATION ${_sidecar_unit_dir} TYPE FILE
     FILES ${SIDECAR_SOURCE_DIR}/systemd/binlog-sidecar.service
           ${SIDECAR_SOURCE_DIR}/systemd/binlog-sidecar@.service)
if(_sidecar_format STREQUAL "deb")
  file(INSTALL DESTINATION ${SIDECAR_DOC_DIR} TYPE FILE
       FILES ${SIDECAR_SOURCE_DIR}/packaging/deb/copyright)
  file(INSTALL DESTINATION ${CMAKE_INSTALL_PREFIX}/share/lintian/overrides TYPE FILE
       FILES ${SIDECAR_SOURCE_DIR}/packaging/deb/lintian-overrides RENAME binlog-sidecar)
else()
  file(INSTALL DESTINATION ${SIDECAR_DOC_DIR} TYPE FILE FILES ${SIDECAR_SOURCE_DIR}/LICENSE)
endif()
