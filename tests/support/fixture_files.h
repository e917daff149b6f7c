// Test support: locating fixture files and reading them whole or gunzipped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sidecar::testing {

// Absolute path of `relative` under tests/fixtures/.
std::string FixturePath(const std::string& relative);

// The whole file; an empty vector (and a gtest failure) when unreadable.
std::vector<uint8_t> ReadFileBytes(const std::string& path);

// A readable path with the fixture's plain bytes: the fixture itself, or for a
// `.gz` fixture a decompressed copy in a temp directory.
std::string PlainFixturePath(const std::string& relative);

}  // namespace sidecar::testing
