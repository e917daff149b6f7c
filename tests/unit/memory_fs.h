// MemoryFs: the in-memory disk behind FaultInjectionEnv. Every file keeps
// two versions of its bytes (what readers see now, what survives power loss)
// and every directory two versions of its entries (now, as of its last
// SyncDir); Crash() turns the durable versions, plus what the PowerLossMode
// keeps of the rest, into the new present.
//
// Paths are absolute and normalised ("/a/b"). Errors are coded and worded as
// PosixEnv codes them (ENOENT is NotFound, the rest IOError).
//
// Not thread-safe: FaultInjectionEnv serialises every call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/byte_reader.h"
#include "base/status.h"

namespace sidecar::store {

// Tests seed it and print the seed, so that a failing crash point replays.
using Rng = std::mt19937_64;

enum class PowerLossMode {
  kDropUnsynced,  // every file keeps exactly its durable bytes
  // Every file keeps a random prefix of its un-synced bytes: none of them (1 in
  // 4), all of them (1 in 4) or a cut anywhere in between.
  kTearUnsynced,
  // As kTearUnsynced, and the last page (4 KiB) of what a file keeps beyond its
  // durable bytes may be zeros or random garbage.
  kTearWithGarbage,
};

struct FileNode {
  std::vector<uint8_t> data;     // what readers see now
  std::vector<uint8_t> durable;  // what survives power loss
  size_t clean_prefix = 0;       // data[0, clean_prefix) == durable[0, clean_prefix)

  void Write(Bytes bytes);
  void Truncate(size_t size);
  void Sync();
  // Becomes what this file holds after a power loss.
  void Crash(Rng& rng, PowerLossMode mode);
};

struct DirNode;
using Node = std::variant<std::shared_ptr<FileNode>, std::shared_ptr<DirNode>>;

struct DirNode {
  std::map<std::string, Node> entries;  // now (sorted: ListDir relies on it)
  std::map<std::string, Node> durable;  // as of the last SyncDir
};

// The node as a file (directory), or null when it is the other kind.
std::shared_ptr<FileNode> AsFile(const Node& node);
std::shared_ptr<DirNode> AsDir(const Node& node);

// "cannot <action> <path>: <strerror(err)>".
Status FsError(std::string_view action, const std::string& path, int err);

class MemoryFs {
 public:
  // The directory holding `path`, and the last component's name.
  Result<std::pair<std::shared_ptr<DirNode>, std::string>> Parent(const std::string& path,
                                                                  std::string_view action);
  Result<Node> Lookup(const std::string& path, std::string_view action);
  Result<std::shared_ptr<FileNode>> LookupFile(const std::string& path, std::string_view action);
  Result<std::shared_ptr<DirNode>> LookupDir(const std::string& path, std::string_view action);
  // The file at `path`, created empty (and not yet durable) if missing.
  Result<std::shared_ptr<FileNode>> OpenOrCreate(const std::string& path, std::string_view action);

  // Power loss: every directory gets its durable entries back, every file
  // reachable from them its durable bytes plus what `mode` keeps.
  void Crash(Rng& rng, PowerLossMode mode);

 private:
  const std::shared_ptr<DirNode> root_ = std::make_shared<DirNode>();
};

}  // namespace sidecar::store
