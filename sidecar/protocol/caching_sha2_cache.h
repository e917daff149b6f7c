// CachingSha2Cache: the users for whom caching_sha2_password's fast path is allowed, as the
// cache of a MySQL 8 server: empty at start, a user enters it after authenticating with the
// full path (the cleartext password over TLS, or RSA-encrypted), and from then on the scramble
// alone is enough. The sidecar knows the cleartext passwords and could always take the fast
// path; keeping MySQL's rule lets clients and replicas behave as they do against MySQL.
// Users never leave it: the sidecar's passwords change only with a restart.
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <string_view>

namespace sidecar::protocol {

class CachingSha2Cache {
 public:
  bool Contains(std::string_view user) const {
    std::lock_guard lock(mu_);
    return users_.find(user) != users_.end();
  }
  void Add(std::string_view user) {
    std::lock_guard lock(mu_);
    users_.emplace(user);
  }

 private:
  mutable std::mutex mu_;
  std::set<std::string, std::less<>> users_;  // GUARDED_BY(mu_)
};

}  // namespace sidecar::protocol
