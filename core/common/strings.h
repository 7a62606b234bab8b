// Small string helpers (UTF-8 agnostic unless stated).
#pragma once
#include <string>
#include <vector>

namespace zm {

std::string trim(const std::string& s);
std::string toLowerAscii(std::string s);
/// True for the class name "background" (case-insensitive, surrounding spaces ignored): the class edge
/// refinement grows over and ConSE leaves alone.
bool isBackgroundName(const std::string& name);
std::vector<std::string> split(const std::string& s, char sep, bool skipEmpty = true);
bool startsWith(const std::string& s, const std::string& prefix);
bool endsWith(const std::string& s, const std::string& suffix);
std::string join(const std::vector<std::string>& parts, const std::string& sep);
/// Formats a double with `digits` decimals.
std::string fmt(double v, int digits = 2);

} // namespace zm
