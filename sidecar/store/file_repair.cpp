#include "store/file_repair.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "binlog/event_header.h"

namespace sidecar::store {
namespace {

constexpr size_t kCopyChunk = size_t(1) << 20;

// Appends the stored bytes [begin, end) of `source` to `out`.
Status CopyRange(const RandomAccessFile& source, uint64_t begin, uint64_t end, WritableFile& out,
                 const std::string& path) {
  std::vector<uint8_t> buffer(std::min<uint64_t>(kCopyChunk, end - begin));
  for (uint64_t at = begin; at < end;) {
    const size_t want = size_t(std::min<uint64_t>(buffer.size(), end - at));
    auto read = source.Read(at, std::span<uint8_t>(buffer.data(), want));
    if (!read.ok()) return read.status();
    if (read->size() != want) {
      return Status::Corruption(
          fmt::format("{} ends at {}, before the {} bytes to keep", path, at + read->size(), end));
    }
    if (Status s = out.Append(*read); !s.ok()) return s;
    at += want;
  }
  return Status::Ok();
}

}  // namespace

Status RepairFileTail(Env& env, const std::string& binlog_dir, const FileCatalogEntry& entry,
                      uint64_t from, Bytes tail) {
  if (from < binlog::kBinlogMagicSize || from + tail.size() != entry.size) {
    return Status::InvalidArgument(fmt::format(
        "cannot repair {}: {} bytes from offset {} do not end at its size {}", entry.name,
        tail.size(), from, entry.size));
  }
  const std::string path = binlog_dir + "/" + entry.name;
  const std::string temp = binlog_dir + "/." + entry.name + ".repair";
  auto source = env.OpenRandomAccess(path);
  if (!source.ok()) return source.status();
  if (Status s = env.RemoveFile(temp); !s.ok() && s.code() != Status::Code::kNotFound) return s;
  auto out = env.OpenWritable(temp);
  if (!out.ok()) return out.status();

  Status s = (*out)->Append(Bytes(binlog::kBinlogMagic, binlog::kBinlogMagicSize));
  if (s.ok()) s = CopyRange(**source, binlog::kBinlogMagicSize, from, **out, path);
  if (s.ok()) s = (*out)->Append(tail);
  if (s.ok()) s = (*out)->Sync();
  if (s.ok()) s = (*out)->Close();
  if (s.ok()) s = env.Rename(temp, path);
  if (s.ok()) s = env.SyncDir(binlog_dir);
  if (!s.ok()) {
    (void)env.RemoveFile(temp);  // best effort: recovery removes it otherwise
    return s;                    // Env's messages name the path and the operation
  }
  return Status::Ok();
}

}  // namespace sidecar::store
