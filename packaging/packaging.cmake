# Packages (SPEC.md §8, issue #8): what `cpack` puts in the .deb, the .rpm and the .tgz, and how.
# Included once from the top-level CMakeLists.txt, after the targets exist.
#
# Layout of every package (paths on the target system):
#   /usr/bin/binlog-sidecar
#   /etc/binlog-sidecar/sidecar.conf           the commented example; a conffile (deb) and
#                                              %config(noreplace) (rpm): upgrades keep local edits
#   <unit dir>/binlog-sidecar.service, binlog-sidecar@.service
#                                              /lib/systemd/system (deb, Debian 12 policy),
#                                              /usr/lib/systemd/system (rpm, tgz)
#   /var/lib/binlog-sidecar                    state; owned by the binlog-sidecar user
#   /usr/share/man/man8/binlog-sidecar.8.gz
#   /usr/share/doc/binlog-sidecar/             README.md, CHANGELOG.md, changelog.gz (Debian
#                                              format); copyright (deb) or LICENSE (rpm, tgz)
# The unit directory differs by format: packaging/install_by_format.cmake installs the units
# where the format being built wants them. Maintainer scripts (packaging/deb/, packaging/rpm/)
# create the user, set ownership and modes, and never start or enable the service.
#
# The version is PROJECT_VERSION, the one that `binlog-sidecar --version` prints.
include(GNUInstallDirs)

set(SIDECAR_PACKAGING_DIR ${CMAKE_CURRENT_LIST_DIR})
set(SIDECAR_PACKAGING_BINARY_DIR ${CMAKE_BINARY_DIR}/packaging)
set(SIDECAR_DOC_DIR share/doc/${PROJECT_NAME})

# Every path the packages install outside the prefix; absolute destinations need DESTDIR,
# which CPACK_SET_DESTDIR gives every generator.
set(SIDECAR_CONFIG_DIR /etc/binlog-sidecar)
set(SIDECAR_STATE_DIR /var/lib/binlog-sidecar)

install(FILES ${SIDECAR_PACKAGING_DIR}/sidecar.conf.example
        DESTINATION ${SIDECAR_CONFIG_DIR} RENAME sidecar.conf
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
install(DIRECTORY DESTINATION ${SIDECAR_STATE_DIR})
# The units, and the deb's copyright file and lintian overrides: by package format.
install(CODE "set(SIDECAR_SOURCE_DIR \"${PROJECT_SOURCE_DIR}\")
  set(SIDECAR_DOC_DIR \"\${CMAKE_INSTALL_PREFIX}/${SIDECAR_DOC_DIR}\")")
install(SCRIPT ${SIDECAR_PACKAGING_DIR}/install_by_format.cmake)

set(SIDECAR_MAINTAINER
    "binlog-sidecar maintainers <maintainers@users.noreply.h-seed-f7ef528e.example>")
include(${SIDECAR_PACKAGING_DIR}/changelogs.cmake)
sidecar_package_changelogs(${PROJECT_SOURCE_DIR}/CHANGELOG.md
                           ${SIDECAR_PACKAGING_BINARY_DIR}/changelog
                           ${SIDECAR_PACKAGING_BINARY_DIR}/rpm_changelog "${SIDECAR_MAINTAINER}")
# The man page and the Debian changelog, gzipped reproducibly (-n: no name or time stamp).
set(man_page_gz ${SIDECAR_PACKAGING_BINARY_DIR}/binlog-sidecar.8.gz)
set(changelog_gz ${SIDECAR_PACKAGING_BINARY_DIR}/changelog.gz)
add_custom_command(
  OUTPUT ${man_page_gz} ${changelog_gz}
  COMMAND gzip -9n -c ${SIDECAR_PACKAGING_DIR}/binlog-sidecar.8 > ${man_page_gz}
  COMMAND gzip -9n -c ${SIDECAR_PACKAGING_BINARY_DIR}/changelog > ${changelog_gz}
  DEPENDS ${SIDECAR_PACKAGING_DIR}/binlog-sidecar.8 ${SIDECAR_PACKAGING_BINARY_DIR}/changelog
  VERBATIM)
add_custom_target(package_docs ALL DEPENDS ${man_page_gz} ${changelog_gz})
install(FILES ${man_page_gz} DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${changelog_gz} ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/CHANGELOG.md
        DESTINATION ${SIDECAR_DOC_DIR})

# Maintainer scripts: a shared fragment (user, modes, systemd) pasted into each script.
file(READ ${SIDECAR_PACKAGING_DIR}/maintainer_common.sh SIDECAR_MAINTAINER_COMMON)
foreach(script deb/postinst deb/prerm deb/postrm rpm/pre rpm/post rpm/preun rpm/postun)
  configure_file(${SIDECAR_PACKAGING_DIR}/${script}.in ${SIDECAR_PACKAGING_BINARY_DIR}/${script}
                 @ONLY FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
                 GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endforeach()
configure_file(${SIDECAR_PACKAGING_DIR}/deb/conffiles ${SIDECAR_PACKAGING_BINARY_DIR}/deb/conffiles
               COPYONLY)

# --- CPack: common ---
set(CPACK_GENERATOR DEB RPM TGZ)
set(CPACK_PACKAGE_NAME ${PROJECT_NAME})
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "binlog-sidecar maintainers")
set(CPACK_PACKAGE_CONTACT "${SIDECAR_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "local binlog store and server for MySQL/MariaDB replicas")
# Lines under 80 columns: the deb's control file keeps them as written.
set(CPACK_PACKAGE_DESCRIPTION
    "binlog-sidecar runs beside a MySQL or MariaDB replica. It pulls the primary's
binary log as a replica would, stores it locally with fsync-checkpointed
positions, and serves it to the co-located mysqld over loopback, so that
replicas that restart, crash or run behind re-fetch from local disk instead
of from the primary.")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGE_FILE_NAME ${PROJECT_NAME}-${PROJECT_VERSION}-${CMAKE_SYSTEM_NAME})
# The prefix of every package, whatever CMAKE_INSTALL_PREFIX says; CPACK_SET_DESTDIR stages
# the absolute destinations (/etc, /lib, /var) inside the package instead of the build host.
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_SET_DESTDIR ON)
set(CPACK_PACKAGE_RELOCATABLE OFF)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/packages)
set(CPACK_PROJECT_CONFIG_FILE ${SIDECAR_PACKAGING_DIR}/cpack_generator_config.cmake)

# --- DEB ---
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# useradd/groupadd in postinst.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "passwd")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${SIDECAR_PACKAGING_BINARY_DIR}/deb/conffiles ${SIDECAR_PACKAGING_BINARY_DIR}/deb/postinst
    ${SIDECAR_PACKAGING_BINARY_DIR}/deb/prerm ${SIDECAR_PACKAGING_BINARY_DIR}/deb/postrm)

# --- RPM ---
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_LICENSE "GPL-2.0-only")
set(CPACK_RPM_PACKAGE_GROUP "Applications/Databases")
set(CPACK_RPM_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_RPM_PACKAGE_AUTOREQ ON)
set(CPACK_RPM_PACKAGE_AUTOPROV ON)
set(CPACK_RPM_PACKAGE_REQUIRES_PRE "shadow-utils")
set(CPACK_RPM_CHANGELOG_FILE ${SIDECAR_PACKAGING_BINARY_DIR}/rpm_changelog)
set(CPACK_RPM_PRE_INSTALL_SCRIPT_FILE ${SIDECAR_PACKAGING_BINARY_DIR}/rpm/pre)
set(CPACK_RPM_POST_INSTALL_SCRIPT_FILE ${SIDECAR_PACKAGING_BINARY_DIR}/rpm/post)
set(CPACK_RPM_PRE_UNINSTALL_SCRIPT_FILE ${SIDECAR_PACKAGING_BINARY_DIR}/rpm/preun)
set(CPACK_RPM_POST_UNINSTALL_SCRIPT_FILE ${SIDECAR_PACKAGING_BINARY_DIR}/rpm/postun)
set(CPACK_RPM_USER_FILELIST
    "%config(noreplace) %attr(0640,root,binlog-sidecar) ${SIDECAR_CONFIG_DIR}/sidecar.conf"
    "%dir %attr(0750,root,binlog-sidecar) ${SIDECAR_CONFIG_DIR}"
    "%dir %attr(0750,binlog-sidecar,binlog-sidecar) ${SIDECAR_STATE_DIR}")
# Directories that other packages own (filesystem, systemd, man-db): not claimed by ours.
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
    /usr/lib/systemd /usr/lib/systemd/system /usr/share/man /usr/share/man/man8 /var /var/lib)

include(CPack)
