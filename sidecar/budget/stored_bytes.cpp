#include "budget/stored_bytes.h"

#include "store/binlog_index_file.h"

namespace sidecar::budget {

Result<uint64_t> StoredBinlogBytes(store::Env& env, const std::string& binlog_dir) {
  auto names = env.ListDir(binlog_dir);
  if (!names.ok()) return names.status();
  uint64_t total = 0;
  for (const std::string& name : *names) {
    if (!store::ValidateBinlogFileName(name).ok()) continue;
    auto size = env.FileSize(binlog_dir + "/" + name);
    if (size.ok()) total += *size;
  }
  return total;
}

}  // namespace sidecar::budget
