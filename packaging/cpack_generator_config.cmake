# CPACK_PROJECT_CONFIG_FILE: run by cpack once per generator, before it installs the project.
# Tells packaging/install_by_format.cmake which format is being built (deb, rpm or tgz), through
# the environment of the cpack process, the one channel that reaches the install scripts.
if(CPACK_GENERATOR STREQUAL "DEB")
  set(ENV{SIDECAR_PACKAGE_FORMAT} deb)
elseif(CPACK_GENERATOR STREQUAL "RPM")
  set(ENV{SIDECAR_PACKAGE_FORMAT} rpm)
else()
  set(ENV{SIDECAR_PACKAGE_FORMAT} tgz)
endif()
