# The packages' changelogs, written at configure time from CHANGELOG.md (Keep a Changelog).
#
# sidecar_package_changelogs(MARKDOWN DEBIAN_OUT RPM_OUT MAINTAINER) writes
#   DEBIAN_OUT  one Debian changelog entry (deb-changelog(5)) for PROJECT_VERSION, from the
#               newest section of MARKDOWN (`## [Unreleased]` or `## [x.y.z] ...`): each
#               `- item` becomes `  * item`, `### Added` becomes `  [ Added ]`, words
#               re-wrapped to 80 columns;
#   RPM_OUT     the body of the spec's %changelog: one entry pointing at CHANGELOG.md.
# The date is the configure time in UTC (SOURCE_DATE_EPOCH, when set, for reproducible
# builds). CMake re-runs when MARKDOWN changes. The version is PROJECT_VERSION; MAINTAINER is
# "Name <address>", the packages' contact.

# _sidecar_wrap(OUT_VAR FIRST_PREFIX NEXT_PREFIX TEXT): TEXT's words in lines of at most 80
# columns, the first starting with FIRST_PREFIX and the others with NEXT_PREFIX.
function(_sidecar_wrap out_var first_prefix next_prefix text)
  string(REGEX REPLACE "[ \t\n]+" ";" words "${text}")
  set(out "")
  set(line "${first_prefix}")
  set(line_has_words FALSE)
  foreach(word IN LISTS words)
    if(word STREQUAL "")
      continue()
    endif()
    string(LENGTH "${line} ${word}" candidate_length)
    if(line_has_words AND candidate_length GREATER 80)
      string(APPEND out "${line}\n")
      set(line "${next_prefix}${word}")
    elseif(line_has_words)
      string(APPEND line " ${word}")
    else()
      string(APPEND line "${word}")
    endif()
    set(line_has_words TRUE)
  endforeach()
  if(line_has_words)
    string(APPEND out "${line}\n")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

function(sidecar_package_changelogs markdown debian_out rpm_out maintainer)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${markdown})
  # CMake lists split on `;` and group on `[...]`: those characters travel as placeholders
  # (longer than what they stand for, so wrapped lines only get shorter).
  file(READ ${markdown} text)
  string(REPLACE ";" "@SEMICOLON@" text "${text}")
  string(REPLACE "[" "@OPEN@" text "${text}")
  string(REPLACE "]" "@CLOSE@" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  set(in_section FALSE)
  set(body "")
  set(item "")
  foreach(line IN LISTS lines)
    if(line MATCHES "^## ")
      if(in_section)
        break()
      endif()
      set(in_section TRUE)
      continue()
    endif()
    if(NOT in_section)
      continue()
    endif()
    if(line MATCHES "^- (.*)$" OR line MATCHES "^### (.*)$" OR line STREQUAL "")
      if(NOT item STREQUAL "")
        _sidecar_wrap(wrapped "  * " "    " "${item}")
        string(APPEND body "${wrapped}")
        set(item "")
      endif()
    endif()
    if(line MATCHES "^- (.*)$")
      set(item "${CMAKE_MATCH_1}")
    elseif(line MATCHES "^### (.*)$")
      string(APPEND body "\n  [ ${CMAKE_MATCH_1} ]\n")
    elseif(NOT item STREQUAL "")
      string(APPEND item " ${line}")
    endif()
  endforeach()
  if(NOT item STREQUAL "")
    _sidecar_wrap(wrapped "  * " "    " "${item}")
    string(APPEND body "${wrapped}")
  endif()
  if(body STREQUAL "")
    message(FATAL_ERROR "${markdown}: no `## ` section with `- ` items for the package changelog")
  endif()
  string(REGEX REPLACE "^\n" "" body "${body}")
  string(REPLACE "@SEMICOLON@" ";" body "${body}")
  string(REPLACE "@OPEN@" "[" body "${body}")
  string(REPLACE "@CLOSE@" "]" body "${body}")

  string(TIMESTAMP debian_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
  string(TIMESTAMP rpm_date "%a %b %d %Y" UTC)
  file(WRITE ${debian_out}
       "${PROJECT_NAME} (${PROJECT_VERSION}) unstable; urgency=medium\n\n${body}\n"
       " -- ${maintainer}  ${debian_date}\n")
  file(WRITE ${rpm_out}
       "* ${rpm_date} ${maintainer} - ${PROJECT_VERSION}-1\n"
       "- ${PROJECT_VERSION}: see /usr/share/doc/${PROJECT_NAME}/CHANGELOG.md\n")
endfunction()
