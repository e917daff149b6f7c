// Reading a password from a secret file (password_file = ... in the config).
//
// The file must exist, be a regular file (a symlink to one is followed, as
// with Kubernetes or systemd credentials), have no permission bits for
// others (mode & 0007: not world-readable) and not be group-writable (mode &
// 0020): like ssh with its keys, a looser file is refused, not read. Its
// content is the password, with one trailing "\n" or "\r\n" removed; an empty
// password, a second line or a file larger than 4 KiB is an error.
//
// Errors are InvalidArgument (permissions, content) or IOError (cannot be
// opened or read), with messages "<what is wrong> (<what is expected>)" that
// name the path and never the content.
#pragma once

#include <string>

#include "app/secret.h"
#include "base/status.h"

namespace sidecar::app {

Result<Secret> ReadPasswordFile(const std::string& path);

}  // namespace sidecar::app
