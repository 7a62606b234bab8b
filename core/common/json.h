// JSON through nlohmann::json, with loading that names the file on every error.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>

namespace zm {

using Json = nlohmann::json;

/// Parses a JSON file; zm::Error "<path>: invalid JSON at byte N: ..." on bad input.
Json loadJsonFile(const std::filesystem::path& path);
/// Writes pretty JSON atomically.
void saveJsonFile(const std::filesystem::path& path, const Json& j);

} // namespace zm
