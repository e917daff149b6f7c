#include "memory_fs.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <set>
#include <system_error>

namespace sidecar::store {
namespace {

constexpr size_t kPageSize = 4096;

// Splits an absolute, normalised path into its components.
Result<std::vector<std::string>> SplitPath(const std::string& path) {
  if (path.empty() || path[0] != '/' || (path.size() > 1 && path.back() == '/')) {
    return Status::InvalidArgument(fmt::format("'{}' is not an absolute, normalised path", path));
  }
  std::vector<std::string> parts;
  size_t start = 1;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") {
      return Status::InvalidArgument(fmt::format("'{}' is not an absolute, normalised path", path));
    }
    parts.push_back(std::move(part));
    start = end + 1;
  }
  return parts;
}

void CrashDir(DirNode& dir, Rng& rng, PowerLossMode mode, std::set<const void*>& visited) {
  dir.entries = dir.durable;
  for (auto& [name, node] : dir.entries) {
    if (!visited.insert(std::visit([](const auto& p) -> const void* { return p.get(); }, node))
             .second) {
      continue;
    }
    if (auto file = AsFile(node)) {
      file->Crash(rng, mode);
    } else {
      CrashDir(*AsDir(node), rng, mode, visited);
    }
  }
}

}  // namespace

void FileNode::Write(Bytes bytes) {
  clean_prefix = std::min(clean_prefix, data.size());
  data.insert(data.end(), bytes.begin(), bytes.end());
}

void FileNode::Truncate(size_t size) {
  data.resize(size);
  clean_prefix = std::min(clean_prefix, size);
}

void FileNode::Sync() {
  durable.resize(data.size());
  std::copy(data.begin() + ptrdiff_t(clean_prefix), data.end(),
            durable.begin() + ptrdiff_t(clean_prefix));
  clean_prefix = data.size();
}

void FileNode::Crash(Rng& rng, PowerLossMode mode) {
  if (mode == PowerLossMode::kDropUnsynced) {
    data = durable;
  } else {
    // Either extreme is as likely as a cut somewhere in between.
    size_t kept = std::uniform_int_distribution<size_t>(clean_prefix, data.size())(rng);
    switch (rng() % 4) {
      case 0:
        kept = clean_prefix;
        break;
      case 1:
        kept = data.size();
        break;
    }
    data.resize(kept);
    if (mode == PowerLossMode::kTearWithGarbage && kept > clean_prefix && rng() % 2 == 0) {
      const size_t page = std::max(clean_prefix, (kept - 1) / kPageSize * kPageSize);
      const bool zeros = rng() % 2 == 0;
      for (size_t i = page; i < kept; ++i) data[i] = zeros ? 0 : uint8_t(rng());
    }
  }
  durable = data;
  clean_prefix = data.size();
}

std::shared_ptr<FileNode> AsFile(const Node& node) {
  const auto* file = std::get_if<std::shared_ptr<FileNode>>(&node);
  return file != nullptr ? *file : nullptr;
}

std::shared_ptr<DirNode> AsDir(const Node& node) {
  const auto* dir = std::get_if<std::shared_ptr<DirNode>>(&node);
  return dir != nullptr ? *dir : nullptr;
}

Status FsError(std::string_view action, const std::string& path, int err) {
  std::string msg =
      fmt::format("cannot {} {}: {}", action, path, std::system_category().message(err));
  if (err == ENOENT) return Status::NotFound(std::move(msg));
  return Status::IOError(std::move(msg));
}

Result<std::pair<std::shared_ptr<DirNode>, std::string>> MemoryFs::Parent(const std::string& path,
                                                                          std::string_view action) {
  Result<std::vector<std::string>> parts = SplitPath(path);
  if (!parts.ok()) return parts.status();
  if (parts->empty()) return FsError(action, path, EISDIR);
  std::shared_ptr<DirNode> dir = root_;
  for (size_t i = 0; i + 1 < parts->size(); ++i) {
    auto it = dir->entries.find((*parts)[i]);
    if (it == dir->entries.end()) return FsError(action, path, ENOENT);
    dir = AsDir(it->second);
    if (dir == nullptr) return FsError(action, path, ENOTDIR);
  }
  return std::make_pair(dir, parts->back());
}

Result<Node> MemoryFs::Lookup(const std::string& path, std::string_view action) {
  if (path == "/") return Node(root_);
  auto parent = Parent(path, action);
  if (!parent.ok()) return parent.status();
  auto it = parent->first->entries.find(parent->second);
  if (it == parent->first->entries.end()) return FsError(action, path, ENOENT);
  return it->second;
}

Result<std::shared_ptr<FileNode>> MemoryFs::LookupFile(const std::string& path,
                                                       std::string_view action) {
  Result<Node> node = Lookup(path, action);
  if (!node.ok()) return node.status();
  if (auto file = AsFile(*node)) return file;
  return FsError(action, path, EISDIR);
}

Result<std::shared_ptr<DirNode>> MemoryFs::LookupDir(const std::string& path,
                                                     std::string_view action) {
  Result<Node> node = Lookup(path, action);
  if (!node.ok()) return node.status();
  if (auto dir = AsDir(*node)) return dir;
  return FsError(action, path, ENOTDIR);
}

Result<std::shared_ptr<FileNode>> MemoryFs::OpenOrCreate(const std::string& path,
                                                         std::string_view action) {
  auto parent = Parent(path, action);
  if (!parent.ok()) return parent.status();
  auto& [dir, name] = *parent;
  auto it = dir->entries.find(name);
  if (it == dir->entries.end()) {
    auto file = std::make_shared<FileNode>();
    dir->entries.emplace(name, file);
    return file;
  }
  if (auto file = AsFile(it->second)) return file;
  return FsError(action, path, EISDIR);
}

void MemoryFs::Crash(Rng& rng, PowerLossMode mode) {
  std::set<const void*> visited;
  CrashDir(*root_, rng, mode, visited);
}

}  // namespace sidecar::store
