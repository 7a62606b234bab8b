// The architecture rules, checked on the real tree: core/ includes no Qt header; ui/ and app/ include
// no Torch header. A planted include is caught (the scanner itself is tested).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const std::regex kQtInclude(R"(^\s*#\s*include\s*[<"](Q[A-Za-z0-9_]+|Qt[A-Za-z0-9_]*/[^>"]*)[>"])");
const std::regex kTorchInclude(R"(^\s*#\s*include\s*[<"](torch/|ATen/|c10/)[^>"]*[>"])");

std::vector<std::string> offendingLines(const std::string& text, const std::regex& re)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (std::regex_search(line, re))
            out.push_back(line);
    return out;
}

std::vector<std::string> scanTree(const fs::path& root, const std::regex& re)
{
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (!e.is_regular_file())
            continue;
        const auto ext = e.path().extension().string();
        if (ext != ".h" && ext != ".hpp" && ext != ".cpp" && ext != ".cc" && ext != ".in")
            continue;
        std::ifstream f(e.path());
        std::stringstream ss;
        ss << f.rdbuf();
        for (const auto& l : offendingLines(ss.str(), re))
            out.push_back(e.path().string() + ": " + l);
    }
    return out;
}

} // namespace

TEST(Layering, ScannerCatchesQtIncludes)
{
    EXPECT_EQ(offendingLines("#include <QString>\n", kQtInclude).size(), 1u);
    EXPECT_EQ(offendingLines("  # include \"QWidget\"\n", kQtInclude).size(), 1u);
    EXPECT_EQ(offendingLines("#include <QtCore/qstring.h>\n", kQtInclude).size(), 1u);
    EXPECT_EQ(offendingLines("#include <string>\n#include \"core/common/image.h\"\n", kQtInclude).size(), 0u);
}

TEST(Layering, ScannerCatchesTorchIncludes)
{
    EXPECT_EQ(offendingLines("#include <torch/torch.h>\n", kTorchInclude).size(), 1u);
    EXPECT_EQ(offendingLines("#include <ATen/ATen.h>\n", kTorchInclude).size(), 1u);
    EXPECT_EQ(offendingLines("#include <vector>\n", kTorchInclude).size(), 0u);
}

TEST(Layering, CoreIncludesNoQt)
{
    const auto bad = scanTree(fs::path(ZM_SOURCE_DIR) / "core", kQtInclude);
    for (const auto& b : bad)
        ADD_FAILURE() << "core/ must not include Qt: " << b;
}

TEST(Layering, UiAndAppIncludeNoTorch)
{
    for (const char* dir : {"ui", "app"}) {
        const auto bad = scanTree(fs::path(ZM_SOURCE_DIR) / dir, kTorchInclude);
        for (const auto& b : bad)
            ADD_FAILURE() << dir << "/ must not include Torch headers: " << b;
    }
}
