// JSON file helpers.
#include "core/common/json.h"

#include "core/common/error.h"
#include "core/common/files.h"

namespace zm {

Json loadJsonFile(const std::filesystem::path& path)
{
    const std::string text = readFile(path);
    if (text.empty())
        throw fileError(path.string(), "file is empty, expected JSON");
    try {
        return Json::parse(text);
    } catch (const Json::parse_error& e) {
        throw fileError(path.string(), std::string("invalid JSON: ") + e.what());
    }
}

void saveJsonFile(const std::filesystem::path& path, const Json& j) { writeFileAtomic(path, j.dump(2) + "\n"); }

} // namespace zm
