// Checks of the TLS files named in the configuration (serve.ssl_cert, serve.ssl_key), made
// when the configuration loads so that --check-config reports them with file, section and key.
//
// Both must be readable regular files (a symlink to one is followed). The private key, like a
// password file, must grant no access to others (mode & 0007) and must not be group-writable
// (mode & 0020); a looser key is refused, not read. Whether the files hold a matching PEM
// certificate and key is checked when the daemon loads them (protocol::TlsContext).
//
// Errors: InvalidArgument (type, permissions) or IOError (cannot be opened), with messages
// "<what is wrong> (<what is expected>)" that name the path. Stateless; thread-safe.
#pragma once

#include <string>

#include "base/status.h"

namespace sidecar::app {

Status CheckTlsCertificateFile(const std::string& path);
Status CheckTlsPrivateKeyFile(const std::string& path);

}  // namespace sidecar::app
