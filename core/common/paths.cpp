// Data folder resolution.
#include "core/common/paths.h"

#include <cstdlib>
#include <unistd.h>

#ifndef ZM_SOURCE_DIR
#define ZM_SOURCE_DIR ""
#endif

namespace zm {

namespace fs = std::filesystem;

namespace {
fs::path exeDir()
{
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path() : exe.parent_path();
}
} // namespace

std::vector<fs::path> dataDirs()
{
    std::vector<fs::path> dirs;
    if (const char* d = std::getenv("ZEROMASK_DATA_DIR"); d && *d)
        dirs.emplace_back(d);
    if (const fs::path e = exeDir(); !e.empty())
        dirs.push_back(e.parent_path() / "share" / "zeromask");
    if (*ZM_SOURCE_DIR)
        dirs.emplace_back(ZM_SOURCE_DIR);
    dirs.emplace_back("/usr/share/zeromask");
    return dirs;
}

fs::path findData(const fs::path& relative)
{
    std::error_code ec;
    for (const auto& d : dataDirs())
        if (fs::exists(d / relative, ec))
            return d / relative;
    return {};
}

fs::path defaultModelPath()
{
    if (const char* m = std::getenv("ZEROMASK_MODEL"); m && *m)
        return fs::path(m);
    return findData("models/default");
}

fs::path samplesDir() { return findData("resources/samples"); }

} // namespace zm
