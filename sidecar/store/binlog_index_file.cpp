#include "store/binlog_index_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace sidecar::store {
namespace {

constexpr size_t kMaxNameLength = 255;

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

}  // namespace

Status ValidateBinlogFileName(std::string_view name) {
  const auto refuse = [&](std::string_view why) {
    return Status::InvalidArgument(fmt::format("binlog file name {:?} {}", name, why));
  };
  if (name.empty() || name.size() > kMaxNameLength) return refuse("is not 1-255 characters long");
  for (char c : name) {
    if (!IsNameChar(c)) return refuse("holds a character other than A-Z a-z 0-9 . _ -");
  }
  if (name.front() == '.') return refuse("starts with '.'");
  if (EndsWith(name, kIndexSuffix) || EndsWith(name, kTempSuffix)) {
    return refuse("ends in .index or .tmp, which the store uses itself");
  }
  return Status::Ok();
}

std::string_view BinlogBaseName(std::string_view file_name) {
  const size_t dot = file_name.rfind('.');
  return dot == std::string_view::npos ? file_name : file_name.substr(0, dot);
}

BinlogIndexFile::BinlogIndexFile(Env* env, std::string binlog_dir)
    : env_(env), binlog_dir_(std::move(binlog_dir)) {}

BinlogIndexFile::BinlogIndexFile(BinlogIndexFile&& other) noexcept
    : env_(other.env_),
      binlog_dir_(other.binlog_dir_),
      names_by_base_(std::move(other.names_by_base_)) {}

Status BinlogIndexFile::Rebuild(const std::vector<std::string>& file_names) {
  std::lock_guard lock(mu_);
  names_by_base_.clear();
  for (const std::string& name : file_names) {
    names_by_base_[std::string(BinlogBaseName(name))].push_back(name);
  }
  for (const auto& [base, names] : names_by_base_) {
    if (Status s = Write(base); !s.ok()) return s;
  }
  auto entries = env_->ListDir(binlog_dir_);
  if (!entries.ok()) return entries.status();
  bool removed = false;
  for (const std::string& entry : *entries) {
    const bool temp = EndsWith(entry, fmt::format("{}{}", kIndexSuffix, kTempSuffix));
    if (!temp && !EndsWith(entry, kIndexSuffix)) continue;
    if (!temp && names_by_base_.contains(
                     std::string_view(entry).substr(0, entry.size() - kIndexSuffix.size()))) {
      continue;
    }
    if (Status s = env_->RemoveFile(binlog_dir_ + "/" + entry); !s.ok()) return s;
    removed = true;
  }
  return removed ? env_->SyncDir(binlog_dir_) : Status::Ok();
}

Status BinlogIndexFile::Add(const std::string& file_name) {
  const std::string base(BinlogBaseName(file_name));
  std::lock_guard lock(mu_);
  names_by_base_[base].push_back(file_name);
  return Write(base);
}

Status BinlogIndexFile::Remove(const std::vector<std::string>& file_names) {
  std::lock_guard lock(mu_);
  std::vector<std::string> changed;
  for (const std::string& name : file_names) {
    const auto names = names_by_base_.find(BinlogBaseName(name));
    if (names == names_by_base_.end()) continue;
    const auto at = std::find(names->second.begin(), names->second.end(), name);
    if (at == names->second.end()) continue;
    names->second.erase(at);
    if (std::find(changed.begin(), changed.end(), names->first) == changed.end()) {
      changed.push_back(names->first);
    }
  }
  bool removed = false;
  for (const std::string& base : changed) {
    if (!names_by_base_[base].empty()) {
      if (Status s = Write(base); !s.ok()) return s;
      continue;
    }
    names_by_base_.erase(base);
    Status s = env_->RemoveFile(fmt::format("{}/{}{}", binlog_dir_, base, kIndexSuffix));
    if (!s.ok() && s.code() != Status::Code::kNotFound) return s;
    removed = true;
  }
  return removed ? env_->SyncDir(binlog_dir_) : Status::Ok();
}

Status BinlogIndexFile::Write(const std::string& base) {
  std::string text;
  for (const std::string& name : names_by_base_[base]) text += fmt::format("./{}\n", name);
  const std::string path = fmt::format("{}/{}{}", binlog_dir_, base, kIndexSuffix);
  const std::string temp = path + std::string(kTempSuffix);
  // A temporary file a crash left behind would keep its bytes: start afresh.
  auto leftover = env_->FileExists(temp);
  if (!leftover.ok()) return leftover.status();
  if (*leftover) {
    if (Status s = env_->RemoveFile(temp); !s.ok()) return s;
  }
  auto file = env_->OpenWritable(temp);
  if (!file.ok()) return file.status();
  const Bytes bytes(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  if (Status s = (*file)->Append(bytes); !s.ok()) return s;
  if (Status s = (*file)->Sync(); !s.ok()) return s;
  if (Status s = (*file)->Close(); !s.ok()) return s;
  if (Status s = env_->Rename(temp, path); !s.ok()) return s;
  return env_->SyncDir(binlog_dir_);
}

}  // namespace sidecar::store
